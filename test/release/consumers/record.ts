// Uses @hermes/record alone, as a user who installed only the codec would.
import assert from 'node:assert/strict';
import {
  type DecodeResult,
  encodeRecord,
  FILE_HEADER,
  LogDecoder,
  type LogRecord,
  RecordError,
} from '@hermes/record';

const records: LogRecord[] = [
  { type: 'set', key: 'user:1', value: new TextEncoder().encode('Ada') },
  { type: 'delete', key: 'user:2' },
  {
    type: 'batch',
    ops: [
      { type: 'set', key: 'a key\nwith %, NUL \u0000 and 🦄', value: new Uint8Array([0, 10, 255]) },
      { type: 'set', key: '', value: new Uint8Array(0) },
      { type: 'delete', key: 'user:1' },
    ],
  },
];
const log = Buffer.concat([FILE_HEADER, ...records.map((r) => encodeRecord(r))]);

/** Decodes `bytes` fed in chunks of `step` bytes. */
function decode(bytes: Uint8Array, step: number): DecodeResult[] {
  const decoder = new LogDecoder();
  const results: DecodeResult[] = [];
  const emit = (r: DecodeResult): void => {
    results.push(r);
  };
  for (let i = 0; i < bytes.length; i += step) decoder.push(bytes.subarray(i, i + step), emit);
  decoder.end(emit);
  return results;
}

/** A record with plain arrays for values, so that Buffer and Uint8Array compare equal. */
function plain(r: LogRecord): unknown {
  if (r.type === 'batch') return { type: 'batch', ops: r.ops.map(plain) };
  return r.type === 'set' ? { ...r, value: [...r.value] } : { ...r };
}

for (const step of [1, 7, log.length]) {
  const results = decode(log, step);
  assert.deepEqual(
    results.map((r) => (r.ok ? plain(r.record) : r.reason)),
    records.map(plain),
  );
}

// A flipped bit is detected, with its reason and offset.
const damaged = Buffer.from(log);
const last = log.length - 3;
damaged[last] = damaged[last]! ^ 1;
const failures = decode(damaged, 64).filter((r) => !r.ok);
assert.equal(failures.length, 1);
assert.equal(failures[0]?.ok === false && failures[0].reason, 'checksum');

// A key that cannot be stored losslessly is refused with a typed error.
assert.throws(
  () => encodeRecord({ type: 'set', key: 'lone \uD800', value: new Uint8Array(1) }),
  (e: unknown) => e instanceof RecordError && e.code === 'RECORD_KEY_NOT_WELL_FORMED',
);

console.log(`ok @hermes/record: ${records.length} records, ${log.length} bytes round-tripped`);
