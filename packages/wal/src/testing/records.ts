import type { LogRecord } from '@hermes/record';

/**
 * The key of test record `i`: `k<i>`. Tests that check what replays name keys through it, so
 * every test of the log uses one key shape.
 */
export function testKey(i: number): string {
  return `k${i}`;
}

/** A small `set` record numbered `i`: key {@link testKey}`(i)`, value `value` (UTF-8, `value-<i>` by default). */
export function setRecord(i: number, value = `value-${i}`): LogRecord {
  return { type: 'set', key: testKey(i), value: Buffer.from(value) };
}

/** The {@link setRecord}s numbered `from` up to (not including) `to`. */
export function setRecords(from: number, to: number): LogRecord[] {
  return Array.from({ length: to - from }, (_, i) => setRecord(from + i));
}
