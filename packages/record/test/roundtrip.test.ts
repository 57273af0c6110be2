import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLine, encodeRecord, RecordError } from '../src/index.js';
import { arbRecord, plain } from './helpers.js';

function roundTrip(record: Parameters<typeof encodeRecord>[0]): unknown {
  const line = encodeRecord(record);
  expect(line[line.length - 1]).toBe(10);
  expect(line.subarray(0, -1).includes(10)).toBe(false);
  const result = decodeLine(line.subarray(0, -1), 7, 'v1');
  if (!result.ok) throw new Error(`did not decode: ${result.reason} ${result.message}`);
  expect(result.offset).toBe(7);
  expect(result.length).toBe(line.length);
  return plain(result.record);
}

describe('round trip', () => {
  it('decode(encode(r)) equals r for arbitrary records and batches', () => {
    fc.assert(
      fc.property(arbRecord, (record) => {
        expect(roundTrip(record)).toEqual(plain(record));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips long values and keys (native base64 and CRC paths)', () => {
    const op = fc.record({
      type: fc.constant('set' as const),
      key: fc.string({ unit: 'binary', maxLength: 300 }),
      value: fc.uint8Array({ maxLength: 3000 }),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          op,
          fc.record({
            type: fc.constant('batch' as const),
            ops: fc.array(op, { minLength: 1, maxLength: 4 }),
          }),
        ),
        (record) => {
          expect(roundTrip(record)).toEqual(plain(record));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keys of arbitrary UTF-16 code units round-trip or throw RECORD_KEY_NOT_WELL_FORMED', () => {
    const units = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 })
      .map((codes) => String.fromCharCode(...codes));
    let rejected = 0;
    fc.assert(
      fc.property(units, fc.boolean(), (key, asSet) => {
        const record = asSet
          ? { type: 'set' as const, key, value: Uint8Array.of(1) }
          : { type: 'delete' as const, key };
        let line: Buffer;
        try {
          line = encodeRecord(record);
        } catch (e) {
          expect(e).toBeInstanceOf(RecordError);
          expect((e as RecordError).code).toBe('RECORD_KEY_NOT_WELL_FORMED');
          expect((key as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(false);
          rejected++;
          return;
        }
        const result = decodeLine(line.subarray(0, -1), 0, 'v1');
        expect(result.ok && 'key' in result.record && result.record.key).toBe(key);
      }),
      { numRuns: 2000 },
    );
    expect(rejected).toBeGreaterThan(0);
  });

  it('round-trips the awkward keys the spec names', () => {
    for (const key of [
      '',
      ' ',
      '\n',
      '\r\n',
      '\0',
      '%',
      '%41',
      'a b',
      '😀',
      '\uFEFFx',
      'é',
      '+/=',
    ]) {
      expect(roundTrip({ type: 'delete', key })).toEqual({ type: 'delete', key });
    }
  });

  it('writes ordinary keys as they are', () => {
    const key = 'Users:42/profile.v2_draft-1';
    expect(encodeRecord({ type: 'delete', key }).toString('latin1')).toContain(` DEL ${key}\n`);
  });

  it('escapes every other key byte as %XX of its UTF-8', () => {
    const line = encodeRecord({ type: 'delete', key: 'a b%\n😀' }).toString('latin1');
    expect(line.slice(9)).toBe('DEL a%20b%25%0A%F0%9F%98%80\n');
  });

  it('round-trips the empty value and accepts any Uint8Array view', () => {
    expect(roundTrip({ type: 'set', key: 'k', value: new Uint8Array(0) })).toEqual({
      type: 'set',
      key: 'k',
      value: '',
    });
    const backing = Uint8Array.of(9, 1, 2, 3, 9);
    expect(roundTrip({ type: 'set', key: 'k', value: backing.subarray(1, 4) })).toEqual({
      type: 'set',
      key: 'k',
      value: '010203',
    });
  });

  it('returns values that do not alias the decoded line', () => {
    const line = encodeRecord({ type: 'set', key: 'k', value: Uint8Array.of(1, 2, 3) });
    const result = decodeLine(line.subarray(0, -1), 0, 'v1');
    line.fill(0);
    expect(result.ok && result.record.type === 'set' && [...result.record.value]).toEqual([
      1, 2, 3,
    ]);
  });
});
