import { describe, expect, it } from 'vitest';
import { bytes, show } from './bytes.js';
import type { ResolvedSuiteOptions } from './options.js';

/** Registers iteration (whole store and by prefix) and aliasing cases. */
export function iterationTests(o: ResolvedSuiteOptions): void {
  const { withStore } = o;

  describe('iteration', () => {
    it('entries and keys list every key once, with its value', () =>
      withStore(async (store) => {
        const expected = new Map<string, string | undefined>();
        for (let i = 0; i < 100; i++) {
          await store.set(`key:${i}`, bytes(`value ${i}`));
          expected.set(`key:${i}`, show(bytes(`value ${i}`)));
        }
        await store.delete('key:7');
        expected.delete('key:7');
        const entries = [...store.entries()];
        expect(entries.length).toBe(99);
        expect(new Map(entries.map(([k, v]) => [k, show(v)]))).toEqual(expected);
        expect([...store.keys()].sort()).toEqual([...expected.keys()].sort());
      }));

    it('prefix scans return exactly the keys that start with the prefix', () =>
      withStore(async (store) => {
        const keys = ['a', 'a/', 'a/1', 'a/2', 'ab', 'b/a', '', '/a', 'A/1', 'a/🔑', '\0a'];
        for (const key of keys) await store.set(key, bytes(key));
        for (const prefix of ['', 'a', 'a/', 'a/1', 'b', 'z', '/', '\0', 'a/🔑', 'A']) {
          const want = keys.filter((k) => k.startsWith(prefix)).sort();
          expect([...store.keys({ prefix })].sort(), prefix).toEqual(want);
          const got = [...store.entries({ prefix })];
          expect(got.map(([k]) => k).sort(), prefix).toEqual(want);
          for (const [k, v] of got) expect(show(v)).toBe(show(bytes(k)));
        }
        expect([...store.keys({})].length).toBe(keys.length);
      }));

    it('an empty store and an unmatched prefix yield nothing', () =>
      withStore(async (store) => {
        expect([...store.entries({ prefix: 'x' })]).toEqual([]);
        await store.set('a', bytes('1'));
        expect([...store.entries({ prefix: 'b' })]).toEqual([]);
        expect([...store.keys({ prefix: 'aa' })]).toEqual([]);
      }));
  });

  describe('aliasing', () => {
    it('mutating the buffer passed to set, after the call, changes nothing stored', () =>
      withStore(async (store) => {
        const value = bytes('original');
        const pending = store.set('k', value);
        value.fill(0x21);
        await pending;
        expect(show(store.get('k'))).toBe(show(bytes('original')));
        value.fill(0x22);
        expect(show(store.get('k'))).toBe(show(bytes('original')));
      }));

    it('mutating a value returned by get or entries changes nothing stored', () =>
      withStore(async (store) => {
        await store.set('k', bytes('original'));
        const got = store.get('k')!;
        got.fill(0x21);
        expect(show(store.get('k'))).toBe(show(bytes('original')));
        expect(store.get('k')).not.toBe(store.get('k'));
        for (const [, v] of store.entries()) v.fill(0x21);
        expect(show(store.get('k'))).toBe(show(bytes('original')));
      }));

    it('buffers passed to batch, putIfAbsent and compareAndSet are copied at the call', () =>
      withStore(async (store) => {
        const a = bytes('batch');
        const b = bytes('absent');
        const c = bytes('cas');
        const pending = [
          store.batch([{ type: 'set', key: 'a', value: a }]),
          store.putIfAbsent('b', b),
          store.compareAndSet('c', undefined, c),
        ];
        a.fill(0);
        b.fill(0);
        c.fill(0);
        await Promise.all(pending);
        expect(show(store.get('a'))).toBe(show(bytes('batch')));
        expect(show(store.get('b'))).toBe(show(bytes('absent')));
        expect(show(store.get('c'))).toBe(show(bytes('cas')));
        const expected = bytes('cas');
        const next = bytes('next');
        const swap = store.compareAndSet('c', expected, next);
        expected.fill(0);
        next.fill(0);
        expect(await swap).toBe(true);
        expect(show(store.get('c'))).toBe(show(bytes('next')));
      }));

    it('a value passed in as a view does not expose the rest of its buffer', () =>
      withStore(async (store) => {
        const backing = bytes('..secret..');
        await store.set('k', backing.subarray(2, 8));
        backing.fill(0);
        const got = store.get('k')!;
        expect(show(got)).toBe(show(bytes('secret')));
        expect(got.byteLength).toBe(6);
      }));
  });
}
