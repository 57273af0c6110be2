import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys } from '../src/index.js';
import { keyOfSortable, sortableKey } from '../src/key-order.js';

const utf8Order = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Well-formed strings that often share a prefix and mix every UTF-8 length class. */
const key = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc
    .string({ unit: 'binary', maxLength: 6 })
    .filter((s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()),
  fc
    .array(
      fc.constantFrom(
        'a',
        '\0',
        '\u007f',
        '\u0080',
        '\u07ff',
        '\u0800',
        '\ud7ff',
        '\ue000',
        '\uffff',
        '\u{10000}',
        '\u{1f511}',
        '\u{10ffff}',
      ),
      { maxLength: 5 },
    )
    .map((parts) => parts.join('')),
);

describe('compareKeys', () => {
  it('orders keys exactly as Buffer.compare orders their UTF-8 bytes', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(utf8Order(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts characters above U+FFFF after U+E000..U+FFFF, unlike <', () => {
    expect('\u{1f511}' < '\uffff').toBe(true);
    expect(compareKeys('\u{1f511}', '\uffff')).toBeGreaterThan(0);
    expect(compareKeys('\ue000', '\ud7ff')).toBeGreaterThan(0);
    expect(['b', '🔑', '\uffff', 'a', '', 'ab'].sort(compareKeys)).toEqual([
      '',
      'a',
      'ab',
      'b',
      '\uffff',
      '🔑',
    ]);
  });

  it('a prefix sorts before every longer key that starts with it; equal keys compare 0', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(compareKeys(a, a)).toBe(0);
        if (b.length > 0) expect(compareKeys(a, a + b)).toBeLessThan(0);
      }),
    );
  });
});

describe('sortableKey', () => {
  it('maps keys to strings whose native order is UTF-8 order, and back', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const x = sortableKey(a);
        const y = sortableKey(b);
        expect(Math.sign(x < y ? -1 : x > y ? 1 : 0)).toBe(utf8Order(a, b));
        expect(keyOfSortable(x)).toBe(a);
        expect(x.startsWith(sortableKey(b))).toBe(a.startsWith(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('returns a key without code units from U+D800 up as it is', () => {
    for (const k of ['', 'user:1', 'ключ', '日本語', '\ud7ff']) expect(sortableKey(k)).toBe(k);
    expect(sortableKey('\ue000')).not.toBe('\ue000');
  });
});
