import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CRC_INIT, crc32, crc32Final, crc32Update } from '../src/crc32.js';

describe('crc32', () => {
  it('equals zlib.crc32 on every range, on both sides of the JavaScript/native crossover', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        expect(crc32(bytes, start, end)).toBe(zlibCrc32(bytes.subarray(start, end)));
      }),
      { numRuns: 1000 },
    );
  });

  it('matches the CRC-32 check value of "123456789"', () => {
    const bytes = Buffer.from('123456789');
    expect(crc32(bytes, 0, bytes.length)).toBe(0xcbf43926);
  });

  it('crc32Update continues a register across any split, on both sides of the crossover', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(), (bytes, a) => {
        const mid = a % (bytes.length + 1);
        const c = crc32Update(crc32Update(CRC_INIT, bytes, 0, mid), bytes, mid, bytes.length);
        expect(crc32Final(c)).toBe(zlibCrc32(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});
