import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeFailureReason, DecodeResult } from '../src/index.js';
import { decodeLine, encodeRecord, resolveLimits } from '../src/index.js';
import { arbRecord, decodeAll, v1File } from './helpers.js';

/** A v1 line (without newline) with a correct checksum over `body`, however wrong the body. */
function signed(body: string): Buffer {
  const bytes = Buffer.from(body, 'latin1');
  return Buffer.concat([
    Buffer.from(`${crc32(bytes).toString(16).padStart(8, '0')} `, 'latin1'),
    bytes,
  ]);
}

function reasonOf(result: DecodeResult): DecodeFailureReason | 'ok' {
  return result.ok ? 'ok' : result.reason;
}

function decodeSigned(body: string, limits?: Parameters<typeof resolveLimits>[0]): string {
  return reasonOf(decodeLine(signed(body), 0, 'v1', resolveLimits(limits)));
}

describe('decodeLine (v1)', () => {
  it('ChecksumMismatch: every single-byte change of a line is detected', () => {
    fc.assert(
      fc.property(arbRecord, fc.integer({ min: 1, max: 255 }), (record, delta) => {
        const line = encodeRecord(record);
        const file = v1File(line);
        for (let i = 0; i < line.length; i++) {
          const damaged = Buffer.from(file);
          const at = 13 + i;
          damaged[at] = (damaged[at]! + delta) & 255;
          const results = decodeAll([damaged]) as DecodeResult[];
          expect(results.length).toBeGreaterThan(0);
          for (const r of results) expect(r.ok).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('ChecksumMismatch: exhaustively, every byte value at every position of a line', () => {
    const line = encodeRecord({
      type: 'batch',
      ops: [
        { type: 'set', key: 'k 1', value: Uint8Array.of(0, 255, 7) },
        { type: 'delete', key: '' },
      ],
    });
    for (let i = 0; i < line.length - 1; i++) {
      for (let b = 0; b < 256; b++) {
        if (b === line[i]) continue;
        const damaged = Buffer.from(line);
        damaged[i] = b;
        const results = decodeAll([v1File(damaged)]) as DecodeResult[];
        for (const r of results) expect(r.ok, `byte ${i} set to ${b}`).toBe(false);
      }
    }
  });

  it('a flipped checksum digit is reported as checksum', () => {
    const line = encodeRecord({ type: 'delete', key: 'k' }).subarray(0, -1);
    line[0] = line[0] === 48 ? 49 : 48;
    const result = decodeLine(line, 5, 'v1');
    expect(result).toMatchObject({ ok: false, reason: 'checksum', offset: 5, length: 15 });
  });

  it('PartialLine: every proper prefix of a line or batch fails, never decodes', () => {
    fc.assert(
      fc.property(arbRecord, (record) => {
        const line = encodeRecord(record);
        for (let n = 0; n < line.length - 1; n++) {
          expect(decodeLine(line.subarray(0, n), 0, 'v1').ok).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('UnknownOp: a checksummed line with an unknown op', () => {
    expect(decodeSigned('PUT k AAAA')).toBe('unknown-op');
    expect(decodeSigned('set k AAAA')).toBe('unknown-op');
    expect(decodeSigned('')).toBe('unknown-op');
  });

  it('BadBase64: a value that is not canonical padded base64', () => {
    for (const value of [
      'AAA',
      'A===',
      'AA=A',
      'AAAA-_AA',
      'AB==',
      'AAB=',
      'AA\tA',
      '====',
      '*AAA',
    ]) {
      expect(decodeSigned(`SET k ${value}`), value).toBe('bad-base64');
    }
    expect(decodeSigned('SET k AA==')).toBe('ok');
    expect(decodeSigned('SET k AAE=')).toBe('ok');
  });

  it('BadKey: raw bytes that must be escaped, bad escapes, escapes that are not UTF-8', () => {
    for (const key of [
      'a\u00e9',
      'a\tb',
      '%',
      '%4',
      '%4g',
      '%e9',
      '%C3',
      '%ED%A0%80',
      '%FF',
      'a+b',
    ]) {
      expect(decodeSigned(`DEL ${key}`), key).toBe('bad-key');
    }
    expect(decodeSigned('DEL %41%C3%A9')).toBe('ok');
  });

  it('BadBatch: counts that lie, nested batches, bad counts', () => {
    expect(decodeSigned('BATCH 2 DEL a')).toBe('bad-batch');
    expect(decodeSigned('BATCH 1 DEL a DEL b')).toBe('bad-batch');
    expect(decodeSigned('BATCH 0')).toBe('bad-batch');
    expect(decodeSigned('BATCH 01 DEL a')).toBe('bad-batch');
    expect(decodeSigned('BATCH x DEL a')).toBe('bad-batch');
    expect(decodeSigned('BATCH 1 BATCH 1 DEL a')).toBe('bad-batch');
    expect(decodeSigned('BATCH 2 DEL a PUT b')).toBe('bad-batch');
    expect(decodeSigned('BATCH 2 DEL a DEL b')).toBe('ok');
  });

  it('Malformed: no checksum field, stray fields, a SET without value', () => {
    expect(reasonOf(decodeLine(Buffer.alloc(0), 0, 'v1'))).toBe('malformed');
    expect(reasonOf(decodeLine(Buffer.from('SET k AAAA'), 0, 'v1'))).toBe('malformed');
    expect(reasonOf(decodeLine(Buffer.from('ABCDEF01 DEL k'), 0, 'v1'))).toBe('malformed');
    expect(decodeSigned('DEL a b')).toBe('malformed');
    expect(decodeSigned('SET a AAAA AAAA')).toBe('malformed');
    expect(decodeSigned('SET a')).toBe('malformed');
  });

  it('TooLarge: keys, values, batches and lines over the limits', () => {
    expect(decodeSigned('DEL abcd', { maxKeyBytes: 3 })).toBe('too-large');
    expect(decodeSigned('DEL %C3%A9', { maxKeyBytes: 1 })).toBe('too-large');
    expect(decodeSigned('DEL %C3%A9', { maxKeyBytes: 2 })).toBe('ok');
    expect(decodeSigned('SET k AAAA', { maxValueBytes: 2 })).toBe('too-large');
    expect(decodeSigned('SET k AAA=', { maxValueBytes: 2 })).toBe('ok');
    expect(decodeSigned('BATCH 2 DEL a DEL b', { maxBatchOps: 1 })).toBe('too-large');
    const line = signed('DEL abc');
    expect(reasonOf(decodeLine(line, 0, 'v1', resolveLimits({ maxLineBytes: line.length })))).toBe(
      'too-large',
    );
    expect(
      reasonOf(decodeLine(line, 0, 'v1', resolveLimits({ maxLineBytes: line.length + 1 }))),
    ).toBe('ok');
  });

  it('accepts a plain Uint8Array line, not only a Buffer', () => {
    const line = encodeRecord({ type: 'delete', key: 'k' });
    const copy = new Uint8Array(line.subarray(0, -1));
    expect(decodeLine(copy, 0, 'v1')).toMatchObject({
      ok: true,
      record: { type: 'delete', key: 'k' },
    });
  });
});
