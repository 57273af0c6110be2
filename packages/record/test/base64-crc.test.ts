import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeBase64Crc } from '../src/base64-crc.js';
import { CRC_INIT, crc32Final, crc32Update } from '../src/crc32.js';

describe('writeBase64Crc', () => {
  it('writes base64 and advances the CRC exactly as base64 then crc32Update would', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.nat(9),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (value, at, register) => {
          const text = Buffer.from(value).toString('base64');
          const target = Buffer.alloc(at + text.length + 3, 0xee);
          const c = writeBase64Crc(target, at, value, register);
          expect(target.toString('latin1', at, at + text.length)).toBe(text);
          expect(target[at + text.length]).toBe(0xee);
          expect(target.subarray(0, at).every((b) => b === 0xee)).toBe(true);
          expect(c).toBe(crc32Update(register, target, at, at + text.length));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('handles every length up to three groups of 6 bytes, each padding case', () => {
    for (let n = 0; n <= 20; n++) {
      const value = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
      const text = Buffer.from(value).toString('base64');
      const target = Buffer.alloc(text.length);
      const c = writeBase64Crc(target, 0, value, CRC_INIT);
      expect(target.toString('latin1')).toBe(text);
      expect(crc32Final(c)).toBe(crc32Final(crc32Update(CRC_INIT, target, 0, target.length)));
    }
  });
});
