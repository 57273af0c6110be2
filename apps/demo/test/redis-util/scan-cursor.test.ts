import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyHash, type ScanPage, scanPage } from '../../src/redis-util/scan-cursor.js';

type Hash = (key: string) => number;

/** Every page of a scan from cursor 0 over `keysAt(page number)`, checking each as it goes. */
function scanAll(
  keysAt: (page: number) => Iterable<string>,
  count: number,
  hash: Hash = keyHash,
  accept?: (key: string) => boolean,
): ScanPage[] {
  const pages: ScanPage[] = [];
  let cursor = 0;
  do {
    const keys = [...keysAt(pages.length)];
    const page = scanPage(keys, cursor, count, accept, hash);
    const hashes = page.keys.map(hash);
    for (const h of hashes) expect(h).toBeGreaterThanOrEqual(cursor);
    expect(hashes).toEqual([...hashes].sort((x, y) => x - y));
    if (page.next !== 0) {
      expect(page.next).toBeGreaterThan(cursor);
      for (const h of hashes) expect(h).toBeLessThan(page.next);
    }
    pages.push(page);
    cursor = page.next;
    expect(pages.length).toBeLessThan(10_000);
  } while (cursor !== 0);
  return pages;
}

const keySets = fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 60 });
/** A hash with many collisions: each key's hash comes from a tiny range. */
const tinyHash = (key: string): number => keyHash(key) % 7;

describe('keyHash', () => {
  it('is a 52-bit non-negative integer that depends on every code unit', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (a, b) => {
        const h = keyHash(a);
        expect(Number.isInteger(h) && h >= 0 && h < 2 ** 52).toBe(true);
        expect(keyHash(a)).toBe(h);
        if (a !== b) expect(keyHash(b)).not.toBe(h);
      }),
    );
    expect(keyHash('')).not.toBe(keyHash('\0'));
    expect(keyHash('ab')).not.toBe(keyHash('ba'));
  });

  it('spreads similar keys evenly over its high and low bits, without collisions', () => {
    const hashes = Array.from({ length: 64_000 }, (_, i) => keyHash(`user:${i}`));
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const bucketOf of [(h: number) => Math.floor(h / 2 ** 48), (h: number) => h % 16]) {
      const buckets = new Array<number>(16).fill(0);
      for (const h of hashes) buckets[bucketOf(h)]!++;
      for (const n of buckets) expect(Math.abs(n - 4000)).toBeLessThan(400); // 6 sigma
    }
  });
});

describe('scanPage', () => {
  it('returns every key exactly once over a full scan', () => {
    fc.assert(
      fc.property(keySets, fc.integer({ min: 1, max: 20 }), fc.boolean(), (keys, count, tiny) => {
        const hash = tiny ? tinyHash : keyHash;
        const pages = scanAll(() => keys, count, hash);
        expect(pages.flatMap((p) => p.keys).sort()).toEqual([...keys].sort());
        for (const page of pages.slice(0, -1)) {
          expect(new Set(page.keys.map(hash)).size).toBe(count); // a page that is not the last is full
        }
        expect(new Set(pages.at(-1)!.keys.map(hash)).size).toBeLessThanOrEqual(count);
      }),
    );
  });

  it('returns keys present for the whole scan at least once, while others come and go', () => {
    const steps = fc.array(fc.array(fc.string({ maxLength: 4 }), { maxLength: 6 }), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        keySets,
        steps,
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        (start, changes, count, tiny) => {
          const live = new Set(start);
          const always = new Set(start);
          const seen: string[] = [];
          const pages = scanAll(
            (n) => {
              // Before each page but the first, toggle some keys: present ones go, absent ones come.
              for (const key of n === 0 ? [] : (changes[n - 1] ?? [])) {
                if (live.delete(key)) always.delete(key);
                else live.add(key);
              }
              return [...live];
            },
            count,
            tiny ? tinyHash : keyHash,
          );
          for (const page of pages) seen.push(...page.keys);
          for (const key of always) expect(seen).toContain(key);
        },
      ),
    );
  });

  it('keeps keys that share a hash on one page', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const hash: Hash = (key) => (key < 'd' ? 5 : 9);
    expect(scanPage(keys, 0, 1, undefined, hash)).toEqual({ keys: ['a', 'b', 'c'], next: 6 });
    expect(scanPage(keys, 6, 1, undefined, hash)).toEqual({ keys: ['d', 'e', 'f'], next: 0 });
    expect(scanPage(keys, 0, 2, undefined, hash)).toEqual({ keys, next: 0 });
    expect(scanPage(keys, 10, 1, undefined, hash)).toEqual({ keys: [], next: 0 });
  });

  it('orders pages by hash, whatever the order of the keys', () => {
    const hash: Hash = (key) => Number(key);
    const keys = ['7', '3', '0', '12', '5', '9'];
    expect(scanPage(keys, 0, 3, undefined, hash)).toEqual({ keys: ['0', '3', '5'], next: 6 });
    expect(scanPage(keys, 6, 3, undefined, hash)).toEqual({ keys: ['7', '9', '12'], next: 0 });
    expect(scanPage(keys, 4, 10, undefined, hash)).toEqual({
      keys: ['5', '7', '9', '12'],
      next: 0,
    });
  });

  it('counts candidates before MATCH, so a page may hold no match and still go on', () => {
    const hash: Hash = (key) => Number(key.slice(1));
    const keys = ['a1', 'b2', 'b3', 'a4', 'b5'];
    const isA = (key: string): boolean => key.startsWith('a');
    expect(scanPage(keys, 0, 2, isA, hash)).toEqual({ keys: ['a1'], next: 3 });
    expect(scanPage(keys, 3, 1, isA, hash)).toEqual({ keys: [], next: 4 });
    expect(scanPage(keys, 4, 2, isA, hash)).toEqual({ keys: ['a4'], next: 0 });
  });

  it('returns exactly the accepted keys over a full scan', () => {
    fc.assert(
      fc.property(
        keySets,
        fc.integer({ min: 1, max: 10 }),
        fc.string({ maxLength: 1 }),
        (keys, count, letter) => {
          const accept = (key: string): boolean => key.includes(letter);
          const pages = scanAll(() => keys, count, keyHash, accept);
          expect(pages.flatMap((p) => p.keys).sort()).toEqual(keys.filter(accept).sort());
        },
      ),
    );
  });

  it('refuses a count that is not a positive integer', () => {
    for (const count of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => scanPage(['a'], 0, count)).toThrow(RangeError);
    }
  });
});
