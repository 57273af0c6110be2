import { compareKeys as compareUtf8 } from '@hermes/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFilter } from '../src/key-filter.js';

describe('compareUtf8', () => {
  it('orders strings as their UTF-8 bytes do', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const want = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(Math.sign(compareUtf8(a, b))).toBe(want);
      }),
    );
  });

  it('puts a character above U+FFFF after U+E000..U+FFFF, unlike JavaScript <', () => {
    expect('😀' < '\uFFFD').toBe(true);
    expect(compareUtf8('😀', '\uFFFD')).toBeGreaterThan(0);
    expect(compareUtf8('a', 'ab')).toBeLessThan(0);
    expect(compareUtf8('ab', 'ab')).toBe(0);
  });
});

describe('keyFilter', () => {
  it('watches every key without options', () => {
    expect(keyFilter({})).toBeUndefined();
  });

  it('combines prefix and bounds, each inclusive or exclusive as named', () => {
    const f = keyFilter({ prefix: 'u', gt: 'u1', lte: 'u3' })!;
    expect(['u0', 'u1', 'u2', 'u3', 'u4', 'v2'].filter(f)).toEqual(['u2', 'u3']);
    const g = keyFilter({ gte: 'u1', lt: 'u3' })!;
    expect(['u0', 'u1', 'u2', 'u3'].filter(g)).toEqual(['u1', 'u2']);
  });

  it('bounds by UTF-8 bytes', () => {
    const f = keyFilter({ gte: '\uE000' })!;
    expect(f('😀')).toBe(true);
    expect(f('z')).toBe(false);
  });

  it('refuses gt with gte, lt with lte, and bounds that are not strings', () => {
    for (const options of [{ gt: 'a', gte: 'a' }, { lt: 'a', lte: 'a' }, { prefix: 1 }]) {
      expect(() => keyFilter(options as never)).toThrow(
        expect.objectContaining({ code: 'DURABLE_INVALID_OPTIONS' }),
      );
    }
  });
});
