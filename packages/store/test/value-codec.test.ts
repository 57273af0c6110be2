import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, sameValue } from '../src/value-codec.js';

describe('value codec', () => {
  it('round-trips any bytes through a latin1 string, one char per byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (value) => {
        const stored = encodeValue(value);
        expect(typeof stored).toBe('string');
        expect((stored as string).length).toBe(value.byteLength);
        expect([...decodeValue(stored)]).toEqual([...value]);
      }),
    );
  });

  it('keeps values over the string limit as a private copy', () => {
    const value = new Uint8Array([1, 2, 3, 4]);
    const stored = encodeValue(value, 3);
    expect(stored).toBeInstanceOf(Uint8Array);
    value[0] = 9;
    expect([...decodeValue(stored)]).toEqual([1, 2, 3, 4]);
    const out = decodeValue(stored);
    out[1] = 9;
    expect([...decodeValue(stored)]).toEqual([1, 2, 3, 4]);
  });

  it('compares stored values byte for byte in both representations', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (x, y) => {
        const equal = Buffer.compare(x, y) === 0;
        expect(sameValue(encodeValue(x), encodeValue(y))).toBe(equal);
        expect(sameValue(encodeValue(x, 0), encodeValue(y, 0))).toBe(equal);
      }),
    );
  });
});
