import { describe, expect, it } from 'vitest';
import { keyBounds } from '../src/index.js';

describe('keyBounds', () => {
  it('keeps the bounds given and leaves out reverse and limit', () => {
    expect(keyBounds()).toEqual({});
    expect(keyBounds({})).toEqual({});
    expect(keyBounds({ gt: 'a', lte: 'c', reverse: true, limit: 2 })).toEqual({
      gt: 'a',
      lte: 'c',
    });
    expect(keyBounds({ gte: 'a', lt: 'c' })).toEqual({ gte: 'a', lt: 'c' });
  });

  it('folds a prefix into the bounds, keeping the tighter bound on each side', () => {
    expect(keyBounds({ prefix: 'user:' })).toEqual({ gte: 'user:', lt: 'user;' });
    expect(keyBounds({ prefix: 'user:', gt: 'user:10' })).toEqual({ gt: 'user:10', lt: 'user;' });
    expect(keyBounds({ prefix: 'user:', lte: 'user:5' })).toEqual({ gte: 'user:', lte: 'user:5' });
    expect(keyBounds({ prefix: 'a', gte: '0', lt: 'z' })).toEqual({ gte: 'a', lt: 'b' });
    expect(keyBounds({ prefix: '' })).toEqual({});
    // No string follows every string that starts with U+10FFFF: the upper side stays open.
    expect(keyBounds({ prefix: '\u{10ffff}' })).toEqual({ gte: '\u{10ffff}' });
    expect(keyBounds({ prefix: '🔑' })).toEqual({ gte: '🔑', lt: '🔒' });
  });

  it('is undefined for a range that holds no key, whatever the limit', () => {
    expect(keyBounds({ gt: 'b', lt: 'a' })).toBeUndefined();
    expect(keyBounds({ gt: 'b', lte: 'b' })).toBeUndefined();
    expect(keyBounds({ prefix: 'b', gt: 'c' })).toBeUndefined();
    expect(keyBounds({ limit: 0 })).toEqual({});
  });

  it('throws STORE_INVALID_OPTION for options every ranged read refuses', () => {
    for (const bad of [{ gt: 'a', gte: 'a' }, { limit: -1 }, { reverse: 1 }, { from: 'a' }]) {
      expect(() => keyBounds(bad as never)).toThrow(
        expect.objectContaining({ code: 'STORE_INVALID_OPTION' }),
      );
    }
  });
});
