import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64DecodedLength, decodeBase64 } from '../src/base64.js';
import { base64CrcInvalid, readBase64Crc } from '../src/base64-crc-decode.js';
import { crc32Update } from '../src/crc32.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Fields of 4k characters with padding as the fast path sees them: mostly valid, some not. */
const arbField: fc.Arbitrary<string> = fc.oneof(
  fc.uint8Array({ maxLength: 60 }).map((v) => Buffer.from(v).toString('base64')),
  fc
    .tuple(
      fc.uint8Array({ minLength: 1, maxLength: 60 }),
      fc.nat(),
      fc.constantFrom(...`${ALPHABET}=-_ \0\x80\xff`),
    )
    .map(([v, at, ch]) => {
      const text = Buffer.from(v).toString('base64');
      const i = at % text.length;
      return text.slice(0, i) + ch + text.slice(i + 1);
    }),
);

describe('readBase64Crc', () => {
  it('decodes like decodeBase64, flags exactly what it refuses, and runs the CRC over the field', () => {
    fc.assert(
      fc.property(arbField, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (text, register) => {
        const line = Buffer.from(`<${text}>`, 'latin1');
        const start = 1;
        const end = line.length - 1;
        const size = base64DecodedLength(line, start, end);
        fc.pre(size > 0);
        const expected = decodeBase64(line, start, end, size);
        const pad = ((end - start) / 4) * 3 - size;
        const out = Buffer.alloc(size);
        const c = readBase64Crc(line, new DataView(line.buffer), start, end, pad, out, register);
        expect(c).toBe(crc32Update(register, line, start, end));
        expect(base64CrcInvalid).toBe(expected === undefined);
        if (expected !== undefined) expect(out.equals(expected)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses set unused bits in the last character, with one or two = of padding', () => {
    for (const text of ['QR==', 'QUJ=', 'QUJDRB==', 'QUJDREF=']) {
      const line = Buffer.from(text, 'latin1');
      const pad = text.endsWith('==') ? 2 : 1;
      readBase64Crc(
        line,
        new DataView(line.buffer),
        0,
        line.length,
        pad,
        Buffer.alloc((text.length / 4) * 3 - pad),
        -1,
      );
      expect(base64CrcInvalid, text).toBe(true);
    }
    for (const text of ['QQ==', 'QUI=', 'QUJDRA==', 'QUJDREE=']) {
      const line = Buffer.from(text, 'latin1');
      const pad = text.endsWith('==') ? 2 : 1;
      const out = Buffer.alloc((text.length / 4) * 3 - pad);
      readBase64Crc(line, new DataView(line.buffer), 0, line.length, pad, out, -1);
      expect(base64CrcInvalid, text).toBe(false);
      expect(out.toString('base64')).toBe(text);
    }
  });
});
