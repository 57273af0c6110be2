import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeResult, LogRecord, RecordErrorCode } from '../src/index.js';
import {
  encodedLength,
  encodeRecord,
  encodeRecordInto,
  FILE_HEADER,
  LogDecoder,
  RecordError,
  resolveLimits,
} from '../src/index.js';
import { arbRecord, plain } from './helpers.js';

function codeOf(run: () => unknown): RecordErrorCode | 'ok' {
  try {
    run();
    return 'ok';
  } catch (e) {
    if (!(e instanceof RecordError)) throw e;
    return e.code;
  }
}

describe('encodeRecordInto and encodedLength', () => {
  it('write exactly the bytes of encodeRecord, at any offset, into a Buffer or a Uint8Array', () => {
    fc.assert(
      fc.property(arbRecord, fc.nat(40), fc.boolean(), (record, offset, plainArray) => {
        const line = encodeRecord(record);
        expect(encodedLength(record)).toBe(line.length);
        const size = offset + line.length + 7;
        const target = plainArray ? new Uint8Array(size).fill(0xee) : Buffer.alloc(size, 0xee);
        expect(encodeRecordInto(record, target, offset)).toBe(line.length);
        expect(Buffer.from(target.subarray(offset, offset + line.length)).equals(line)).toBe(true);
        expect(target.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
        expect(target.subarray(offset + line.length).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('packs many records back to back into a log that decodes to them', () => {
    fc.assert(
      fc.property(fc.array(arbRecord, { maxLength: 12 }), (records) => {
        let size = FILE_HEADER.length;
        for (const r of records) size += encodedLength(r);
        const log = Buffer.allocUnsafe(size);
        FILE_HEADER.copy(log);
        let at = FILE_HEADER.length;
        for (const r of records) at += encodeRecordInto(r, log, at);
        expect(at).toBe(size);
        const results: DecodeResult[] = [];
        const decoder = new LogDecoder();
        decoder.push(log, (r) => results.push(r));
        decoder.end((r) => results.push(r));
        expect(results.map((r) => (r.ok ? plain(r.record) : r))).toEqual(records.map(plain));
      }),
      { numRuns: 100 },
    );
  });

  it('RECORD_BUFFER_TOO_SMALL when the line does not fit, writing nothing', () => {
    const record: LogRecord = { type: 'set', key: 'k', value: Buffer.from('value') };
    const length = encodedLength(record);
    for (const [size, offset] of [
      [length - 1, 0],
      [length, 1],
      [length + 4, 5],
      [length + 4, -1],
      [length + 4, 0.5],
      [length + 4, Number.NaN],
    ] as const) {
      const target = Buffer.alloc(size, 0xee);
      expect(codeOf(() => encodeRecordInto(record, target, offset))).toBe(
        'RECORD_BUFFER_TOO_SMALL',
      );
      expect(target.every((b) => b === 0xee)).toBe(true);
    }
    const batch: LogRecord = { type: 'batch', ops: [record, { type: 'delete', key: 'x' }] };
    expect(codeOf(() => encodeRecordInto(batch, Buffer.alloc(encodedLength(batch) - 1), 0))).toBe(
      'RECORD_BUFFER_TOO_SMALL',
    );
    expect(encodeRecordInto(batch, Buffer.alloc(encodedLength(batch)), 0)).toBe(
      encodedLength(batch),
    );
  });

  it('a refused key never touches bytes before offset or past the room it was offered', () => {
    // 'abc' is ordinary, so the optimistic path starts writing before it meets the lone surrogate.
    const record = { type: 'set', key: 'abc\uD800', value: Buffer.from('v') } as LogRecord;
    const target = Buffer.alloc(64, 0xee);
    expect(codeOf(() => encodeRecordInto(record, target, 8))).toBe('RECORD_KEY_NOT_WELL_FORMED');
    expect(target.subarray(0, 8).every((b) => b === 0xee)).toBe(true);
    expect(target.subarray(8 + 40).every((b) => b === 0xee)).toBe(true);
    const fine: LogRecord = { type: 'set', key: 'abc', value: Buffer.from('v') };
    const n = encodeRecordInto(fine, target, 8);
    expect(target.subarray(8, 8 + n)).toEqual(encodeRecord(fine));
  });

  it('refuse what encodeRecord refuses, with the same codes', () => {
    const tight = resolveLimits({ maxKeyBytes: 2, maxValueBytes: 3, maxBatchOps: 1 });
    const cases: unknown[] = [
      null,
      { type: 'put', key: 'k' },
      { type: 'delete', key: 'abc' },
      { type: 'delete', key: '\uD800' },
      { type: 'set', key: 'k', value: 'text' },
      { type: 'set', key: 'k', value: new Uint8Array(4) },
      { type: 'batch', ops: [] },
      {
        type: 'batch',
        ops: [
          { type: 'delete', key: 'a' },
          { type: 'delete', key: 'b' },
        ],
      },
      { type: 'set', key: '\uD800', value: new Uint8Array(4) },
      { type: 'set', key: '%', value: new Uint8Array(4) },
      { type: 'set', key: 'k', value: new Uint8Array(2) },
    ];
    for (const c of cases) {
      const record = c as LogRecord;
      const expected = codeOf(() => encodeRecord(record, tight));
      expect(codeOf(() => encodedLength(record, tight))).toBe(expected);
      expect(codeOf(() => encodeRecordInto(record, Buffer.alloc(256), 0, tight))).toBe(expected);
    }
    expect(codeOf(() => encodeRecord(cases[8] as LogRecord, tight))).toBe(
      'RECORD_KEY_NOT_WELL_FORMED',
    );
    expect(codeOf(() => encodeRecord(cases[9] as LogRecord, tight))).toBe('RECORD_VALUE_TOO_LARGE');
    expect(codeOf(() => encodeRecord(cases[10] as LogRecord, tight))).toBe('ok');
    expect(
      codeOf(() => encodeRecord(cases[0] as LogRecord, resolveLimits({ maxLineBytes: 10 }))),
    ).toBe('RECORD_INVALID');
  });
});
