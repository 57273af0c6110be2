import fc from 'fast-check';
import { expect, it } from 'vitest';
import { selectPage } from '../src/list-keys.js';

it('returns the limit smallest keys after the cursor, sorted, with the cursor of the next page', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 20 }),
      fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
      (keys, limit, after) => {
        const expected = keys
          .filter((k) => after === undefined || k > after)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const page = selectPage(keys, limit, after);
        expect(page.keys).toEqual(expected.slice(0, limit));
        expect(page.next).toBe(expected.length > limit ? expected[limit - 1] : null);
      },
    ),
  );
});

it('pages through every key exactly once by following next', () => {
  const keys = Array.from({ length: 257 }, (_, i) => `k${(i * 7919) % 1000}`);
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = selectPage(keys, 10, after);
    seen.push(...page.keys);
    if (page.next === null) break;
    after = page.next;
  }
  expect(seen).toEqual([...new Set(keys)].sort());
});
