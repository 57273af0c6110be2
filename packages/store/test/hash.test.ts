import { describe, expect, it } from 'vitest';
import { hashString } from '../src/hash.js';

describe('hashString', () => {
  it('is deterministic and an unsigned 32-bit integer', () => {
    expect(hashString('user:1')).toBe(hashString('user:1'));
    for (const key of ['', 'a', '🔑', 'x'.repeat(5000)]) {
      const h = hashString(key);
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 32);
    }
    expect(hashString('a')).not.toBe(hashString('b'));
  });

  it('spreads sequential keys evenly over 16 shards', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[hashString(`user:${i}`) & 15]!++;
    for (const count of counts) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1200);
    }
  });
});
