import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeRecord, FILE_HEADER, FILE_HEADER_V1 } from '../src/index.js';
import { GOLDEN_RECORDS, GOLDEN_RECORDS_V2 } from './fixtures/golden-records.js';
import { cut, decodeAll, plain } from './helpers.js';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`fixtures/${name}`, import.meta.url));

describe('golden fixtures', () => {
  it('golden.log (v1) equals the encoding of GOLDEN_RECORDS byte for byte', () => {
    const encoded = Buffer.concat([FILE_HEADER_V1, ...GOLDEN_RECORDS.map((r) => encodeRecord(r))]);
    expect(encoded.toString('latin1')).toBe(fixture('golden.log').toString('latin1'));
  });

  it('golden-v2.log equals the encoding of GOLDEN_RECORDS_V2 byte for byte', () => {
    const encoded = Buffer.concat([FILE_HEADER, ...GOLDEN_RECORDS_V2.map((r) => encodeRecord(r))]);
    expect(encoded.toString('latin1')).toBe(fixture('golden-v2.log').toString('latin1'));
  });

  it('golden-v2.log decodes back to GOLDEN_RECORDS_V2 as v2, in any chunking', () => {
    const file = fixture('golden-v2.log');
    const expected = GOLDEN_RECORDS_V2.map((r) =>
      expect.objectContaining({ ok: true, record: plain(r) }),
    );
    expect(decodeAll([file])).toEqual(expected);
    expect(decodeAll(cut(file, [1, 11, 12, 13, 14, 700, 701, 750]))).toEqual(expected);
  });

  it('golden.log decodes back to GOLDEN_RECORDS, in any chunking', () => {
    const file = fixture('golden.log');
    const expected = GOLDEN_RECORDS.map((r) =>
      expect.objectContaining({ ok: true, record: plain(r) }),
    );
    expect(decodeAll([file])).toEqual(expected);
    expect(decodeAll(cut(file, [1, 13, 14, 50, 51, 52, 200]))).toEqual(expected);
  });

  it('legacy.log, written in the seed format, decodes', () => {
    const text = (s: string): string => Buffer.from(s).toString('hex');
    expect(decodeAll([fixture('legacy.log')])).toEqual([
      expect.objectContaining({
        ok: true,
        offset: 0,
        record: { type: 'set', key: 'user:1', value: text('alice') },
      }),
      expect.objectContaining({
        ok: true,
        record: { type: 'set', key: 'session token 7', value: '000102ff' },
      }),
      expect.objectContaining({ ok: true, record: { type: 'set', key: 'empty', value: '' } }),
      expect.objectContaining({
        ok: true,
        record: { type: 'set', key: 'user:1', value: text('bob') },
      }),
    ]);
  });
});
