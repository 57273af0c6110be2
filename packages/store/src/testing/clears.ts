import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScanOptions, Store } from '../contract.js';
import { bytes } from './bytes.js';
import type { ResolvedSuiteOptions } from './options.js';
import { ORDER_KEYS, scanOptionsArbitrary, selectKeys, utf8Order } from './order.js';

/** Bounds for ranged clears: stored keys, and keys between, before and after them. */
const BOUNDS = [...ORDER_KEYS, 'a\0\0', 'a0', 'c', '\ue001', '🔐', '\u{10fffe}'];

/** Stores every key with its own UTF-8 bytes as value. */
async function fill(store: Store, keys: readonly string[]): Promise<void> {
  await store.batch(keys.map((key) => ({ type: 'set' as const, key, value: bytes(key) })));
}

/** The store's keys, in order, each checked to still hold its own bytes. */
function keysOf(store: Store): string[] {
  const out: string[] = [];
  for (const [key, value] of store.entries()) {
    expect(Buffer.from(value).toString('utf8')).toBe(key);
    out.push(key);
  }
  return out;
}

/** `keys` without those `range` selects, in key order: what a clear of `range` leaves. */
function leftAfter(keys: Iterable<string>, range: ScanOptions): string[] {
  const gone = new Set(selectKeys(keys, range));
  return [...keys].filter((k) => !gone.has(k)).sort(utf8Order);
}

/** Registers `clear(range)`: bounds, prefix, reverse and limit, atomicity, views, and a sorted model. */
export function clearTests(o: ResolvedSuiteOptions): void {
  const { withStore } = o;

  describe('ranged clear', () => {
    it('gt, gte, lt and lte bound what clear removes, inclusive or not', () =>
      withStore(async (store) => {
        const keys = ['a', 'b', 'c', 'd', 'e'];
        for (const range of [
          { gt: 'b' },
          { gte: 'b' },
          { lt: 'd' },
          { lte: 'd' },
          { gt: 'b', lt: 'e' },
          { gte: 'bb', lte: 'dd' },
          { gte: 'b', lte: 'b' },
        ]) {
          await fill(store, keys);
          await store.clear(range);
          expect(keysOf(store), JSON.stringify(range)).toEqual(leftAfter(keys, range));
          expect(store.size).toBe(leftAfter(keys, range).length);
        }
      }));

    it('prefix clears the keys that start with it, in UTF-8 order, past U+FFFF too', () =>
      withStore(async (store) => {
        for (const prefix of ['a', 'a/', '\uffff', '🔑', '\u{10ffff}', '\0', 'z']) {
          await fill(store, ORDER_KEYS);
          await store.clear({ prefix });
          expect(keysOf(store), prefix).toEqual(leftAfter(ORDER_KEYS, { prefix }));
        }
      }));

    it('limit removes the first keys of the walk, from the top with reverse (as abstract-level)', () =>
      withStore(async (store) => {
        const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
        await fill(store, keys);
        await store.clear({ limit: 3 });
        expect(keysOf(store)).toEqual(keys.slice(3));
        await store.clear({ limit: 2, reverse: true });
        expect(keysOf(store)).toEqual(keys.slice(3, 18));
        await store.clear({ gt: 'k10', limit: 2, reverse: true });
        expect(keysOf(store)).toEqual(keys.slice(3, 16));
        await store.clear({ lt: 'k10', limit: 2, reverse: true });
        expect(keysOf(store)).toEqual([...keys.slice(3, 8), ...keys.slice(10, 16)]);
        await store.clear({ limit: 0 });
        expect(store.size).toBe(11);
      }));

    it('a range that holds no key removes nothing and is not an error', () =>
      withStore(async (store) => {
        await fill(store, ['a', 'b', 'c']);
        for (const range of [
          { gt: 'c', lt: 'a' },
          { gt: 'b', lt: 'b' },
          { prefix: 'z' },
          { limit: 0 },
        ]) {
          await store.clear(range);
        }
        expect(keysOf(store)).toEqual(['a', 'b', 'c']);
      }));

    it('clear({}) and clear({ reverse: true }) remove every key, as clear() does', () =>
      withStore(async (store) => {
        await fill(store, ['a', 'b']);
        await store.clear({});
        expect(store.size).toBe(0);
        await fill(store, ['a', 'b']);
        await store.clear({ reverse: true });
        expect(store.size).toBe(0);
      }));

    it('invalid ranges reject STORE_INVALID_OPTION and change nothing', () =>
      withStore(async (store) => {
        await fill(store, ['a', 'b']);
        const bad = [
          { gt: 1 },
          { gt: 'a', gte: 'a' },
          { lt: 'a', lte: 'a' },
          { gte: 'a\ud800' },
          { reverse: 'yes' },
          { limit: -1 },
          { limit: 1.5 },
          { start: 'a' },
          'a',
          null,
        ] as unknown as ScanOptions[];
        for (const range of bad) {
          await expect(store.clear(range), JSON.stringify(range)).rejects.toMatchObject({
            code: o.codes.invalidOption,
            message: expect.stringMatching(/./),
          });
        }
        expect(keysOf(store)).toEqual(['a', 'b']);
      }));

    it('is atomic against writes: those called before it apply before, those after it after', () =>
      withStore(async (store) => {
        await fill(store, ['a', 'b', 'c', 'x']);
        const pending = [
          store.set('b', bytes('b')),
          store.delete('c'),
          store.set('bb', bytes('bb')),
          store.clear({ gte: 'a', lt: 'c' }),
          store.set('a', bytes('a')),
          store.batch([{ type: 'set', key: 'ab', value: bytes('ab') }]),
        ];
        await Promise.all(pending);
        expect(keysOf(store)).toEqual(['a', 'ab', 'x']);
      }));

    it('iterators and snapshots opened before a ranged clear keep their view', () =>
      withStore(async (store) => {
        const keys = Array.from({ length: 100 }, (_, i) => `k${String(i).padStart(3, '0')}`);
        await fill(store, keys);
        const snapshot = store.snapshot();
        const iterator = store.keys();
        const seen = [iterator.next().value as string];
        await store.clear({ gte: 'k010', lt: 'k090' });
        for (const key of iterator) seen.push(key);
        expect(seen).toEqual(keys);
        expect([...snapshot.keys()]).toEqual(keys);
        expect(snapshot.size).toBe(100);
        expect(snapshot.has('k050')).toBe(true);
        expect(store.has('k050')).toBe(false);
        expect(keysOf(store)).toEqual([...keys.slice(0, 10), ...keys.slice(90)]);
        snapshot.close();
      }));

    it('matches a sorted model for random keys and random ranged clears', () =>
      fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.constantFrom(...BOUNDS), { maxLength: 22 }),
          fc.array(
            fc.tuple(
              scanOptionsArbitrary(BOUNDS),
              fc.uniqueArray(fc.constantFrom(...BOUNDS), { maxLength: 4 }),
            ),
            { minLength: 1, maxLength: 6 },
          ),
          async (keys, steps) =>
            withStore(async (store) => {
              let model = [...keys];
              await fill(store, keys);
              for (const [range, added] of steps) {
                await store.clear(range);
                model = leftAfter(model, range);
                expect(keysOf(store), `clear(${JSON.stringify(range)})`).toEqual(model);
                if (added.length > 0) await fill(store, added);
                model = [...new Set([...model, ...added])].sort(utf8Order);
              }
              expect(keysOf(store)).toEqual(model);
            }),
        ),
        { numRuns: o.modelRuns },
      ));
  });
}
