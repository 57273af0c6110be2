import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../src/index.js';
import { prefixEnd, resolveRange } from '../src/range.js';

describe('prefixEnd', () => {
  it('is the least key above every key that starts with the prefix', () => {
    expect(prefixEnd('a')).toBe('b');
    expect(prefixEnd('a/')).toBe('a0');
    expect(prefixEnd('\ud7ff')).toBe('\ue000');
    expect(prefixEnd('x\u{10ffff}')).toBe('y');
    expect(prefixEnd('🔑')).toBe('\u{1f512}');
    expect(prefixEnd('\u{10ffff}\u{10ffff}')).toBeUndefined();
    expect(prefixEnd('')).toBeUndefined();
  });

  it('bounds exactly the keys with the prefix, for any well-formed strings', () => {
    const text = fc
      .string({ unit: 'binary', maxLength: 4 })
      .filter((s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed());
    fc.assert(
      fc.property(text, text, (prefix, key) => {
        const end = prefixEnd(prefix);
        const inside =
          compareKeys(key, prefix) >= 0 && (end === undefined || compareKeys(key, end) < 0);
        expect(inside).toBe(key.startsWith(prefix));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('resolveRange', () => {
  it('folds the prefix into the tighter of the bounds', () => {
    expect(resolveRange({ prefix: 'b', gt: 'a' })).toMatchObject({
      lower: 'b',
      lowerOpen: false,
      upper: 'c',
      upperOpen: true,
    });
    expect(resolveRange({ prefix: 'b', gt: 'bb', lte: 'bz' })).toMatchObject({
      lower: 'bb',
      lowerOpen: true,
      upper: 'bz',
      upperOpen: false,
    });
    expect(resolveRange({ prefix: 'b', lt: 'c' })).toMatchObject({ upper: 'c', upperOpen: true });
    expect(resolveRange({ prefix: '' })).toMatchObject({ lower: undefined, upper: undefined });
  });

  it('marks ranges that hold no key as empty', () => {
    expect(resolveRange({ gt: 'b', lt: 'a' }).empty).toBe(true);
    expect(resolveRange({ gte: 'a', lt: 'a' }).empty).toBe(true);
    expect(resolveRange({ gte: 'a', lte: 'a' }).empty).toBe(false);
    expect(resolveRange({ limit: 0 }).empty).toBe(true);
    expect(resolveRange({ prefix: 'a', gte: 'b' }).empty).toBe(true);
  });

  it('says what to do in every STORE_INVALID_OPTION message', () => {
    const message = (options: unknown): string => {
      try {
        resolveRange(options as never);
      } catch (error) {
        expect(error).toMatchObject({ code: 'STORE_INVALID_OPTION' });
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(message({ start: 'a' })).toMatch(/use gt, gte, lt, lte, prefix, reverse or limit/);
    expect(message({ gt: 'a', gte: 'b' })).toMatch(/gt or gte, not both/);
    expect(message({ limit: -1 })).toMatch(/Infinity \(or left out\) for no limit/);
    expect(message({ lt: '\udc00' })).toMatch(/toWellFormed/);
    expect(message({ reverse: 1 })).toMatch(/true or false/);
  });
});
