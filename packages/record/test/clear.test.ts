import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeResult, LogFormat, LogRecord } from '../src/index.js';
import {
  decodeLine,
  encodedLength,
  encodeRecord,
  encodeRecordInto,
  resolveLimits,
} from '../src/index.js';
import { arbClear, arbRecordV2, decodeAll, plain, v2File } from './helpers.js';

/** A line (without newline) with a correct checksum over `body`, however wrong the body. */
function signed(body: string): Buffer {
  const bytes = Buffer.from(body, 'latin1');
  return Buffer.concat([
    Buffer.from(`${crc32(bytes).toString(16).padStart(8, '0')} `, 'latin1'),
    bytes,
  ]);
}

function decodeSigned(
  body: string,
  format: LogFormat = 'v2',
  limits?: Parameters<typeof resolveLimits>[0],
): DecodeResult {
  return decodeLine(signed(body), 0, format, resolveLimits(limits));
}

function reasonOf(body: string, format: LogFormat = 'v2'): string {
  const result = decodeSigned(body, format);
  return result.ok ? 'ok' : result.reason;
}

describe('CLEAR records (v2)', () => {
  it('round trip: decode(encode(r)) equals r for every clear and every v2 record', () => {
    fc.assert(
      fc.property(arbRecordV2, (record) => {
        const line = encodeRecord(record);
        expect(line[line.length - 1]).toBe(10);
        expect(line.subarray(0, -1).includes(10)).toBe(false);
        const result = decodeLine(line.subarray(0, -1), 3, 'v2');
        if (!result.ok) throw new Error(`did not decode: ${result.reason} ${result.message}`);
        expect(plain(result.record)).toEqual(plain(record));
        expect(result.length).toBe(line.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('encodedLength and encodeRecordInto agree with encodeRecord on clears', () => {
    fc.assert(
      fc.property(arbClear, fc.nat(20), (record, offset) => {
        const line = encodeRecord(record);
        expect(encodedLength(record)).toBe(line.length);
        const target = Buffer.alloc(offset + line.length + 3, 0xee);
        expect(encodeRecordInto(record, target, offset)).toBe(line.length);
        expect(target.subarray(offset, offset + line.length).equals(line)).toBe(true);
        expect(target.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a clear decodes to only the bounds it names', () => {
    const line = encodeRecord({ type: 'clear', gte: 'a', lt: undefined } as unknown as LogRecord);
    const result = decodeLine(line.subarray(0, -1), 0, 'v2');
    expect(result.ok && result.record).toStrictEqual({ type: 'clear', gte: 'a' });
    expect(line.toString('latin1').slice(9)).toBe('CLEAR GTE a\n');
  });

  it('ChecksumMismatch: every byte value at every position of a clear line is detected', () => {
    const line = encodeRecord({ type: 'clear', gt: 'a b', lte: 'é' });
    for (let i = 0; i < line.length - 1; i++) {
      for (let b = 0; b < 256; b++) {
        if (b === line[i]) continue;
        const damaged = Buffer.from(line);
        damaged[i] = b;
        const results = decodeAll([v2File(damaged)]) as DecodeResult[];
        for (const r of results) expect(r.ok, `byte ${i} set to ${b}`).toBe(false);
      }
    }
  });

  it('ClearInV1: a CLEAR line read as v1 is unknown-op, so an older reader never applies or skips it as valid', () => {
    expect(reasonOf('CLEAR', 'v1')).toBe('unknown-op');
    expect(reasonOf('CLEAR GT a', 'v1')).toBe('unknown-op');
  });

  it('UnknownBound: a bound word other than GT, GTE, LT, LTE is bad-clear', () => {
    for (const body of ['CLEAR GE a', 'CLEAR gt a', 'CLEAR FROM a', 'CLEAR LTEE a', 'CLEAR a']) {
      expect(reasonOf(body), body).toBe('bad-clear');
    }
  });

  it('BothGtAndGte: two lower bounds are bad-clear', () => {
    expect(reasonOf('CLEAR GT a GTE b')).toBe('bad-clear');
    expect(reasonOf('CLEAR GTE a GT b')).toBe('bad-clear');
    expect(reasonOf('CLEAR GT a GT b')).toBe('bad-clear');
  });

  it('BothLtAndLte: two upper bounds are bad-clear', () => {
    expect(reasonOf('CLEAR LT a LTE b')).toBe('bad-clear');
    expect(reasonOf('CLEAR GT 0 LTE a LT b')).toBe('bad-clear');
  });

  it('LowerAfterUpper: the lower bound written after the upper one is bad-clear (one spelling per record)', () => {
    expect(reasonOf('CLEAR LT b GT a')).toBe('bad-clear');
    expect(reasonOf('CLEAR LTE b GTE a')).toBe('bad-clear');
  });

  it('BoundWithoutKey: a bound word with no key field is bad-clear', () => {
    expect(reasonOf('CLEAR GT')).toBe('bad-clear');
    expect(reasonOf('CLEAR GTE a LT')).toBe('bad-clear');
  });

  it('StraySpaces: a trailing or doubled space is bad-clear', () => {
    expect(reasonOf('CLEAR ')).toBe('bad-clear');
    expect(reasonOf('CLEAR GT a ')).toBe('bad-clear');
    expect(reasonOf('CLEAR  GT a')).toBe('bad-clear');
    expect(reasonOf('CLEAR GT a LT b ')).toBe('bad-clear');
  });

  it('EmptyKeyBounds: an empty key is a valid bound, on either side', () => {
    expect(decodeSigned('CLEAR GT ')).toMatchObject({
      ok: true,
      record: { type: 'clear', gt: '' },
    });
    expect(decodeSigned('CLEAR GTE  LT ')).toMatchObject({
      ok: true,
      record: { type: 'clear', gte: '', lt: '' },
    });
  });

  it('BadBoundKey: a bound key with a bad escape or a byte to escape is bad-key', () => {
    expect(reasonOf('CLEAR GT a%2')).toBe('bad-key');
    expect(reasonOf('CLEAR LT %ZZ')).toBe('bad-key');
    expect(reasonOf('CLEAR GTE a+b')).toBe('bad-key');
    expect(reasonOf('CLEAR LTE %FF')).toBe('bad-key');
  });

  it('BoundKeyTooLarge: a bound key over maxKeyBytes is too-large', () => {
    const result = decodeSigned(`CLEAR GT ${'k'.repeat(9)}`, 'v2', { maxKeyBytes: 8 });
    expect(result).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('NotAClear: CLEAR glued to more letters is unknown-op', () => {
    expect(reasonOf('CLEARX')).toBe('unknown-op');
    expect(reasonOf('CLEARGT a')).toBe('unknown-op');
  });

  it('ClearInBatch: a batch never holds a clear (bad-batch on decode, RECORD_INVALID on encode)', () => {
    expect(reasonOf('BATCH 1 CLEAR')).toBe('bad-batch');
    expect(reasonOf('BATCH 2 DEL a CLEAR')).toBe('bad-batch');
    expect(() =>
      encodeRecord({
        type: 'batch',
        ops: [{ type: 'clear' } as unknown as { type: 'delete'; key: string }],
      }),
    ).toThrow(
      expect.objectContaining({ code: 'RECORD_INVALID', message: expect.stringMatching(/clear/) }),
    );
  });

  it('the encoder refuses two bounds on one side, bounds that are not keys, and keys it cannot store', () => {
    const cases: [unknown, string][] = [
      [{ type: 'clear', gt: 'a', gte: 'b' }, 'RECORD_INVALID'],
      [{ type: 'clear', lt: 'a', lte: 'b' }, 'RECORD_INVALID'],
      [{ type: 'clear', gt: 7 }, 'RECORD_INVALID'],
      [{ type: 'clear', lte: null }, 'RECORD_INVALID'],
      [{ type: 'clear', lt: 'a\ud800' }, 'RECORD_KEY_NOT_WELL_FORMED'],
      [{ type: 'clear', gte: 'k'.repeat(4097) }, 'RECORD_KEY_TOO_LARGE'],
    ];
    for (const [record, code] of cases) {
      for (const encode of [
        () => encodeRecord(record as LogRecord),
        () => encodedLength(record as LogRecord),
        () => encodeRecordInto(record as LogRecord, Buffer.alloc(10_000), 0),
      ]) {
        expect(encode, JSON.stringify(record)).toThrow(expect.objectContaining({ code }));
      }
    }
  });
});
