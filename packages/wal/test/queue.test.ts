import { encodeRecord, type LogRecord, type Op, resolveLimits } from '@hermes/record';
import { describe, expect, test } from 'vitest';
import { CHUNK_BYTES } from '../src/write/arena.js';
import { AppendQueue, type Commit } from '../src/write/queue.js';

const limits = resolveLimits();
const roomy = { maxBytes: 1 << 30, maxRecords: 1 << 20 };

function record(i: number, valueBytes = 100): Op {
  return { type: 'set', key: `key/${i}`, value: Buffer.alloc(valueBytes, i & 255) };
}

/** A queue and a log of what every push settled to. */
function queue(queueLimits = roomy): { q: AppendQueue; settled: string[] } {
  return { q: new AppendQueue(queueLimits, limits), settled: [] };
}

function push(q: AppendQueue, r: LogRecord, settled: string[], name: string): void {
  q.push(r, undefined).then(
    () => settled.push(`${name} ok`),
    (e: Error) => settled.push(`${name} ${e.message}`),
  );
}

function pushAll(q: AppendQueue, records: LogRecord[], settled: string[], prefix: string): void {
  for (const [i, r] of records.entries()) push(q, r, settled, `${prefix}${i}`);
}

const bytesOf = (batch: Commit): Buffer => Buffer.concat(batch.chunks);
const expected = (records: LogRecord[]): Buffer =>
  Buffer.concat(records.map((r) => encodeRecord(r, limits)));

describe('AppendQueue', () => {
  test('a batch is the records encoded back to back, byte for byte what encodeRecord gives', () => {
    const { q, settled } = queue();
    const records: LogRecord[] = [
      record(1),
      { type: 'delete', key: 'gone' },
      { type: 'set', key: 'ünïcode key', value: Buffer.from('v') },
      {
        type: 'batch',
        ops: [record(2), { type: 'delete', key: 'x' }],
      },
      record(3, 5000),
    ];
    pushAll(q, records, settled, 'r');
    expect(q.ready).toBe(5);
    const batch = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect(batch.count).toBe(5);
    expect(batch.chunks).toHaveLength(1);
    expect(bytesOf(batch).equals(expected(records))).toBe(true);
    expect(batch.bytes).toBe(expected(records).length);
    expect(q.ready).toBe(0);
    expect(q.records).toBe(5);
  });

  test('take splits at record boundaries under maxBytes and maxRecords; the rest keeps its order', () => {
    const { q, settled } = queue();
    const records = Array.from({ length: 10 }, (_, i) => record(i));
    pushAll(q, records, settled, 'r');
    const one = encodeRecord(records[0]!, limits).length;
    const a = q.take(Math.floor(one * 2.5), Number.POSITIVE_INFINITY);
    const b = q.take(Number.POSITIVE_INFINITY, 3);
    const c = q.take(1, Number.POSITIVE_INFINITY); // at least one record, even over maxBytes
    const d = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect([a.count, b.count, c.count, d.count]).toEqual([2, 3, 1, 4]);
    expect([a, b, c, d].map((x) => x.resolves.length)).toEqual([2, 3, 1, 4]);
    expect(Buffer.concat([a, b, c, d].map(bytesOf)).equals(expected(records))).toBe(true);
  });

  test('records past the end of an arena chunk go on in a new one; one batch covers both', () => {
    const { q, settled } = queue();
    const records: LogRecord[] = [];
    for (let i = 0, bytes = 0; bytes < CHUNK_BYTES * 1.5; i++) {
      const r = record(i, 100 + (i % 50));
      records.push(r);
      bytes += encodeRecord(r, limits).length;
      push(q, r, settled, `r${i}`);
    }
    const batch = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect(batch.chunks).toHaveLength(2);
    expect(batch.count).toBe(records.length);
    expect(bytesOf(batch).equals(expected(records))).toBe(true);
  });

  test("a batch's bytes never change before its write returned, however much is appended after", () => {
    const { q, settled } = queue();
    const first = Array.from({ length: 100 }, (_, i) => record(i));
    pushAll(q, first, settled, 'a');
    const inFlight = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    const snapshot = Buffer.from(bytesOf(inFlight));
    // Fill three more chunks while that write is "in flight", taking and writing them.
    for (let round = 0; round < 3; round++) {
      for (let bytes = 0; bytes < CHUNK_BYTES; ) {
        const r = record(round * 1_000_000 + bytes, 200);
        bytes += encodeRecord(r, limits).length;
        push(q, r, settled, 'b');
      }
      const batch = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
      q.written(batch);
      q.release(batch);
    }
    expect(bytesOf(inFlight).equals(snapshot)).toBe(true);
  });

  test('under steady traffic two arena buffers take turns (no buffer allocated per chunk)', () => {
    const { q, settled } = queue();
    const buffers = new Set<ArrayBufferLike>();
    let written = 0;
    for (let i = 0; written < CHUNK_BYTES * 8; i++) {
      push(q, record(i, 200), settled, 'r');
      if (q.ready === 500) {
        const batch = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
        for (const chunk of batch.chunks) buffers.add(chunk.buffer);
        written += batch.bytes;
        q.written(batch);
        q.release(batch);
      }
    }
    expect(buffers.size).toBeLessThanOrEqual(2);
  });

  test('a line larger than a quarter chunk gets a buffer of its own', () => {
    const { q, settled } = queue();
    const records = [record(1), record(2, CHUNK_BYTES), record(3)];
    pushAll(q, records, settled, 'r');
    const batch = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect(batch.chunks).toHaveLength(3);
    expect(batch.owners[1]).toBeNull();
    expect(bytesOf(batch).equals(expected(records))).toBe(true);
  });

  test('a record the codec refuses throws its RecordError and queues nothing', () => {
    const { q, settled } = queue();
    push(q, record(1), settled, 'r1');
    const bad = { type: 'set', key: 5, value: Buffer.from('v') } as unknown as LogRecord;
    expect(() => q.push(bad, undefined)).toThrow(
      expect.objectContaining({ code: 'RECORD_INVALID' }),
    );
    const big = { type: 'set', key: 'k'.repeat(5000), value: Buffer.from('v') } as LogRecord;
    expect(() => q.push(big, undefined)).toThrow(
      expect.objectContaining({ code: 'RECORD_KEY_TOO_LARGE' }),
    );
    push(q, record(2), settled, 'r2');
    expect(q.ready).toBe(2);
    const batch = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect(bytesOf(batch).equals(expected([record(1), record(2)]))).toBe(true);
  });

  test('past its limits a record waits in line with its own copy, and enters in order', async () => {
    const { q, settled } = queue({ maxBytes: 1 << 20, maxRecords: 2 });
    const records = Array.from({ length: 5 }, (_, i) => record(i));
    pushAll(q, records, settled, 'r');
    expect([q.ready, q.waiting]).toEqual([2, 3]);
    const taken: Commit[] = [];
    while (q.ready > 0) {
      const batch = q.take(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
      taken.push(batch);
      q.written(batch);
      for (const resolve of batch.resolves) resolve();
      q.release(batch);
    }
    expect(taken.map((b) => b.count)).toEqual([2, 2, 1]);
    expect(Buffer.concat(taken.map(bytesOf)).equals(expected(records))).toBe(true);
    await Promise.resolve();
    expect(settled).toEqual(['r0 ok', 'r1 ok', 'r2 ok', 'r3 ok', 'r4 ok']);
  });

  test('rejectAll rejects what is queued and what waits, in order, and empties the queue', async () => {
    const { q, settled } = queue({ maxBytes: 1 << 20, maxRecords: 2 });
    for (let i = 0; i < 4; i++) push(q, record(i), settled, `r${i}`);
    q.rejectAll(new Error('boom'));
    expect([q.ready, q.waiting, q.empty]).toEqual([0, 0, true]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual(['r0 boom', 'r1 boom', 'r2 boom', 'r3 boom']);
  });
});
