import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScanOptions, Store, StoreReader } from '../contract.js';
import { bytes } from './bytes.js';
import type { ResolvedSuiteOptions } from './options.js';
import { ORDER_KEYS, scanOptionsArbitrary, selectKeys, utf8Order } from './order.js';

/** Bounds for ranges: stored keys, and keys between, before and after them. */
const BOUNDS = [...ORDER_KEYS, 'a\0\0', 'a0', 'c', '\ue001', '🔐', '\u{10fffe}'];

/** Stores every key with its own UTF-8 bytes as value. */
async function fill(store: Store, keys: readonly string[]): Promise<void> {
  await store.batch(keys.map((key) => ({ type: 'set' as const, key, value: bytes(key) })));
}

/** Checks `entries`, `keys` and `values` of `reader` against the model's answer for `options`. */
export function expectScan(
  reader: StoreReader,
  keys: Iterable<string>,
  options: ScanOptions,
): void {
  const want = selectKeys(keys, options);
  const label = JSON.stringify(options);
  expect([...reader.keys(options)], label).toEqual(want);
  const entries = [...reader.entries(options)];
  expect(
    entries.map(([k]) => k),
    label,
  ).toEqual(want);
  for (const [k, v] of entries) expect(Buffer.from(v).toString('utf8'), label).toBe(k);
  expect(
    [...reader.values(options)].map((v) => Buffer.from(v).toString('utf8')),
    label,
  ).toEqual(want);
}

/** Registers the key order and every range option, example-based and against a sorted model. */
export function rangeTests(o: ResolvedSuiteOptions): void {
  const { withStore } = o;

  describe('order and ranges', () => {
    it('iterates in UTF-8 byte order (code points), not in UTF-16 order', () =>
      withStore(async (store) => {
        const shuffled = [...ORDER_KEYS].reverse();
        for (const key of shuffled) await store.set(key, bytes(key));
        const sorted = [...ORDER_KEYS].sort(utf8Order);
        expect([...store.keys()]).toEqual(sorted);
        expect([...store.entries()].map(([k]) => k)).toEqual(sorted);
        expect([...store.keys({ reverse: true })]).toEqual([...sorted].reverse());
        // The order JavaScript's < gives differs here: U+FFFF sorts before the key emoji.
        expect(sorted.indexOf('\uffff')).toBeLessThan(sorted.indexOf('🔑'));
      }));

    it('gt, gte, lt and lte bound the keys, inclusive or not, whether the bound is stored or not', () =>
      withStore(async (store) => {
        const keys = ['a', 'b', 'c', 'd', 'e'];
        await fill(store, keys);
        expect([...store.keys({ gt: 'b' })]).toEqual(['c', 'd', 'e']);
        expect([...store.keys({ gte: 'b' })]).toEqual(['b', 'c', 'd', 'e']);
        expect([...store.keys({ lt: 'd' })]).toEqual(['a', 'b', 'c']);
        expect([...store.keys({ lte: 'd' })]).toEqual(['a', 'b', 'c', 'd']);
        expect([...store.keys({ gt: 'b', lt: 'e' })]).toEqual(['c', 'd']);
        expect([...store.keys({ gte: 'bb', lte: 'dd' })]).toEqual(['c', 'd']);
        expect([...store.keys({ gt: 'e' })]).toEqual([]);
        expect([...store.keys({ lt: 'a' })]).toEqual([]);
        expect([...store.keys({ gte: '', lte: '\u{10ffff}' })]).toEqual(keys);
        for (const options of [
          { gt: 'b', lt: 'e', reverse: true },
          { gte: 'b', lte: 'd', reverse: true },
          { gt: 'a0', reverse: true },
          { lt: 'c0', reverse: true },
        ]) {
          expectScan(store, keys, options);
        }
      }));

    it('a range that holds no key yields nothing, and is not an error', () =>
      withStore(async (store) => {
        await fill(store, ['a', 'b', 'c']);
        for (const options of [
          { gt: 'c', lt: 'a' },
          { gt: 'b', lt: 'b' },
          { gte: 'b', lt: 'b' },
          { gt: 'b', lte: 'b' },
          { gte: 'c', lte: 'a', reverse: true },
          { limit: 0 },
          { prefix: 'b', gt: 'b' },
        ]) {
          expect([...store.entries(options)], JSON.stringify(options)).toEqual([]);
          expect([...store.values(options)], JSON.stringify(options)).toEqual([]);
        }
        expect([...store.keys({ gte: 'b', lte: 'b' })]).toEqual(['b']);
      }));

    it('reverse walks from the top; limit counts from where the walk starts', () =>
      withStore(async (store) => {
        const keys = Array.from({ length: 50 }, (_, i) => `k${String(i).padStart(2, '0')}`);
        await fill(store, keys);
        expect([...store.keys({ limit: 3 })]).toEqual(['k00', 'k01', 'k02']);
        expect([...store.keys({ limit: 3, reverse: true })]).toEqual(['k49', 'k48', 'k47']);
        expect([...store.keys({ gt: 'k10', limit: 2, reverse: true })]).toEqual(['k49', 'k48']);
        expect([...store.keys({ lt: 'k10', limit: 2, reverse: true })]).toEqual(['k09', 'k08']);
        expect([...store.keys({ limit: Number.POSITIVE_INFINITY })]).toHaveLength(50);
        expect([...store.keys({ limit: 1000 })]).toHaveLength(50);
      }));

    it('prefix combines with every bound, and finds keys after U+FFFF and U+10FFFF', () =>
      withStore(async (store) => {
        await fill(store, ORDER_KEYS);
        for (const prefix of ['', 'a', 'a/', '\uffff', '🔑', '\u{10ffff}', '\0', 'z']) {
          for (const extra of [
            {},
            { reverse: true },
            { gt: 'a' },
            { gte: 'a/', lt: 'b', reverse: true },
            { lte: '🔑a', limit: 2 },
            { gt: '\uffff', reverse: true, limit: 1 },
          ]) {
            expectScan(store, ORDER_KEYS, { prefix, ...extra });
          }
        }
      }));

    it('paging with gt from the last key seen visits every key once, in order', () =>
      withStore(async (store) => {
        const keys = Array.from({ length: 97 }, (_, i) => `user:${(i * 37) % 101}`);
        await fill(store, keys);
        for (const reverse of [false, true]) {
          const seen: string[] = [];
          let last: string | undefined;
          // Bounded, so that a store whose gt/lt includes the bound fails instead of looping.
          for (let pages = 0; pages <= keys.length; pages++) {
            const page: ScanOptions = { prefix: 'user:', limit: 10, reverse };
            const options =
              last === undefined ? page : { ...page, ...(reverse ? { lt: last } : { gt: last }) };
            const keysOfPage = [...store.keys(options)];
            if (keysOfPage.length === 0) break;
            seen.push(...keysOfPage);
            last = keysOfPage[keysOfPage.length - 1];
          }
          expect(seen).toEqual(selectKeys(keys, { reverse }));
        }
      }));

    it('invalid scan options throw STORE_INVALID_OPTION with a message that says what to do', () =>
      withStore(async (store) => {
        await fill(store, ['a']);
        const bad = [
          { gt: 1 },
          { lte: null },
          { prefix: 7 },
          { gt: 'a', gte: 'a' },
          { lt: 'a', lte: 'a' },
          { gte: 'a\ud800' },
          { reverse: 'yes' },
          { limit: -1 },
          { limit: 1.5 },
          { limit: Number.NaN },
          { limit: '10' },
          { start: 'a' },
          'a',
          null,
        ] as unknown as ScanOptions[];
        for (const options of bad) {
          for (const read of ['entries', 'keys', 'values'] as const) {
            expect(() => store[read](options), `${read}(${JSON.stringify(options)})`).toThrow(
              expect.objectContaining({
                code: o.codes.invalidOption,
                message: expect.stringMatching(/./),
              }),
            );
          }
        }
      }));

    it('matches a sorted model for random keys and random ranges', () =>
      fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.constantFrom(...ORDER_KEYS, 'a0', 'c', '\ue001'), { maxLength: 22 }),
          fc.array(scanOptionsArbitrary(BOUNDS), { minLength: 1, maxLength: 8 }),
          async (keys, scans) =>
            withStore(async (store) => {
              await fill(store, keys);
              for (const options of scans) expectScan(store, keys, options);
            }),
        ),
        { numRuns: o.modelRuns },
      ));
  });
}
