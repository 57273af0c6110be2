import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { Store } from '../contract.js';
import { bytes, show } from './bytes.js';
import type { ResolvedSuiteOptions } from './options.js';

/** Registers the single-operation cases: every method, edge keys, empty values, batches, clear. */
export function operationTests(o: ResolvedSuiteOptions): void {
  const { withStore } = o;

  describe('operations', () => {
    it('starts empty', () =>
      withStore(async (store) => {
        expect(store.size).toBe(0);
        expect(store.get('k')).toBeUndefined();
        expect(store.has('k')).toBe(false);
        expect([...store.keys()]).toEqual([]);
        expect([...store.entries()]).toEqual([]);
      }));

    it('set then get, has and size', () =>
      withStore(async (store) => {
        await store.set('k', bytes('v'));
        expect(show(store.get('k'))).toBe(show(bytes('v')));
        expect(store.get('k')).toBeInstanceOf(Uint8Array);
        expect(store.has('k')).toBe(true);
        expect(store.has('other')).toBe(false);
        expect(store.size).toBe(1);
      }));

    it('overwrites replace the value and keep the size', () =>
      withStore(async (store) => {
        await store.set('k', bytes('first'));
        await store.set('k', bytes('2nd'));
        expect(show(store.get('k'))).toBe(show(bytes('2nd')));
        expect(store.size).toBe(1);
      }));

    it('stores empty values, distinct from absent', () =>
      withStore(async (store) => {
        await store.set('empty', new Uint8Array(0));
        const got = store.get('empty');
        expect(got).toBeInstanceOf(Uint8Array);
        expect(got?.byteLength).toBe(0);
        expect(store.has('empty')).toBe(true);
        expect(store.size).toBe(1);
        expect(await store.compareAndSet('empty', new Uint8Array(0), bytes('x'))).toBe(true);
        expect(await store.compareAndSet('empty', undefined, bytes('y'))).toBe(false);
      }));

    it('stores every byte value 0..255 intact', () =>
      withStore(async (store) => {
        const all = new Uint8Array(256).map((_, i) => i);
        await store.set('bin', all);
        expect(show(store.get('bin'))).toBe(show(all));
      }));

    it('edge keys are distinct and round-trip', () =>
      withStore(async (store) => {
        const keys = edgeKeys(o.longKeyLength);
        for (const [i, key] of keys.entries()) await store.set(key, bytes(`v${i}`));
        expect(store.size).toBe(keys.length);
        for (const [i, key] of keys.entries()) {
          expect(store.has(key), JSON.stringify(key)).toBe(true);
          expect(show(store.get(key)), JSON.stringify(key)).toBe(show(bytes(`v${i}`)));
        }
        expect([...store.keys()].sort()).toEqual([...keys].sort());
        for (const key of keys) expect(await store.delete(key)).toBe(true);
        expect(store.size).toBe(0);
      }));

    it('delete of an absent key resolves false and changes nothing', () =>
      withStore(async (store) => {
        await store.set('a', bytes('1'));
        expect(await store.delete('missing')).toBe(false);
        expect(await store.delete('')).toBe(false);
        expect(store.size).toBe(1);
      }));

    it('delete of a present key resolves true and removes it', () =>
      withStore(async (store) => {
        await store.set('a', bytes('1'));
        expect(await store.delete('a')).toBe(true);
        expect(store.has('a')).toBe(false);
        expect(store.get('a')).toBeUndefined();
        expect(store.size).toBe(0);
        expect(await store.delete('a')).toBe(false);
      }));

    it('putIfAbsent stores only when absent', () =>
      withStore(async (store) => {
        expect(await store.putIfAbsent('k', bytes('one'))).toBe(true);
        expect(await store.putIfAbsent('k', bytes('two'))).toBe(false);
        expect(show(store.get('k'))).toBe(show(bytes('one')));
        await store.delete('k');
        expect(await store.putIfAbsent('k', bytes('three'))).toBe(true);
        expect(show(store.get('k'))).toBe(show(bytes('three')));
      }));

    it('compareAndSet compares bytes, not identity', () =>
      withStore(async (store) => {
        expect(await store.compareAndSet('k', bytes('x'), bytes('y'))).toBe(false);
        expect(store.has('k')).toBe(false);
        expect(await store.compareAndSet('k', undefined, bytes('a'))).toBe(true);
        expect(await store.compareAndSet('k', undefined, bytes('b'))).toBe(false);
        expect(await store.compareAndSet('k', bytes('b'), bytes('c'))).toBe(false);
        expect(await store.compareAndSet('k', bytes(''), bytes('c'))).toBe(false);
        expect(await store.compareAndSet('k', bytes('aa'), bytes('c'))).toBe(false);
        expect(show(store.get('k'))).toBe(show(bytes('a')));
        expect(await store.compareAndSet('k', bytes('a'), bytes('b'))).toBe(true);
        expect(show(store.get('k'))).toBe(show(bytes('b')));
      }));

    it('compareAndSet with next undefined deletes; with both undefined it tests absence', () =>
      withStore(async (store) => {
        await store.set('k', bytes('v'));
        expect(await store.compareAndSet('k', bytes('w'), undefined)).toBe(false);
        expect(store.has('k')).toBe(true);
        expect(await store.compareAndSet('k', bytes('v'), undefined)).toBe(true);
        expect(store.has('k')).toBe(false);
        expect(await store.compareAndSet('k', undefined, undefined)).toBe(true);
        expect(store.has('k')).toBe(false);
        await store.set('k', bytes('v'));
        expect(await store.compareAndSet('k', undefined, undefined)).toBe(false);
        expect(store.size).toBe(1);
      }));

    it('batch applies sets and deletes in order', () =>
      withStore(async (store) => {
        await store.set('gone', bytes('x'));
        await store.set('kept', bytes('x'));
        await store.batch([
          { type: 'set', key: 'a', value: bytes('1') },
          { type: 'set', key: 'a', value: bytes('2') },
          { type: 'set', key: 'b', value: bytes('1') },
          { type: 'delete', key: 'b' },
          { type: 'delete', key: 'gone' },
          { type: 'delete', key: 'never' },
          { type: 'delete', key: 'c' },
          { type: 'set', key: 'c', value: new Uint8Array(0) },
        ]);
        expect(show(store.get('a'))).toBe(show(bytes('2')));
        expect(store.has('b')).toBe(false);
        expect(store.has('gone')).toBe(false);
        expect(store.get('c')?.byteLength).toBe(0);
        expect(show(store.get('kept'))).toBe(show(bytes('x')));
        expect(store.size).toBe(3);
      }));

    it('an empty batch resolves and changes nothing', () =>
      withStore(async (store) => {
        await store.set('a', bytes('1'));
        await store.batch([]);
        expect(store.size).toBe(1);
      }));

    it('a batch with one invalid op rejects and applies nothing', () =>
      withStore(async (store) => {
        await store.set('a', bytes('1'));
        const bad = [
          { type: 'set', key: 'a', value: bytes('2') },
          { type: 'delete', key: 'x' },
          { type: 'set', key: 'b', value: 'not bytes' },
        ] as unknown as Parameters<Store['batch']>[0];
        await expect(store.batch(bad)).rejects.toMatchObject({ code: o.codes.invalidValue });
        expect(show(store.get('a'))).toBe(show(bytes('1')));
        expect(store.has('b')).toBe(false);
        const badKey = [
          { type: 'delete', key: 'a' },
          { type: 'set', key: 7, value: bytes('2') },
        ] as unknown as Parameters<Store['batch']>[0];
        await expect(store.batch(badKey)).rejects.toMatchObject({ code: o.codes.invalidKey });
        const badType = [{ type: 'put', key: 'a', value: bytes('2') }] as unknown as Parameters<
          Store['batch']
        >[0];
        await expect(store.batch(badType)).rejects.toMatchObject({ code: o.codes.invalidBatch });
        expect(show(store.get('a'))).toBe(show(bytes('1')));
        expect(store.size).toBe(1);
      }));

    it('rejects keys that are not strings and values that are not Uint8Array', () =>
      withStore(async (store) => {
        const s = store as unknown as {
          set(key: unknown, value: unknown): Promise<void>;
          delete(key: unknown): Promise<boolean>;
          putIfAbsent(key: unknown, value: unknown): Promise<boolean>;
          compareAndSet(key: unknown, expected: unknown, next: unknown): Promise<boolean>;
        };
        const { invalidKey, invalidValue } = o.codes;
        for (const key of [1, null, undefined, {}, Symbol('k')]) {
          await expect(s.set(key, bytes('v'))).rejects.toMatchObject({
            code: invalidKey,
          });
          await expect(s.delete(key)).rejects.toMatchObject({ code: invalidKey });
          await expect(s.putIfAbsent(key, bytes('v'))).rejects.toMatchObject({
            code: invalidKey,
          });
        }
        for (const value of ['text', 1, null, undefined, [1, 2], new ArrayBuffer(2)]) {
          await expect(s.set('k', value)).rejects.toMatchObject({
            code: invalidValue,
          });
          await expect(s.putIfAbsent('k', value)).rejects.toMatchObject({
            code: invalidValue,
          });
        }
        await expect(s.compareAndSet('k', 'text', bytes('v'))).rejects.toMatchObject({
          code: invalidValue,
        });
        await expect(s.compareAndSet('k', undefined, 'text')).rejects.toMatchObject({
          code: invalidValue,
        });
        expect(store.size).toBe(0);
      }));

    it('accepts a Buffer and a Uint8Array view into a larger buffer', () =>
      withStore(async (store) => {
        const big = bytes('0123456789');
        await store.set('view', big.subarray(3, 6));
        await store.set('buf', Buffer.from('buffer'));
        expect(show(store.get('view'))).toBe(show(bytes('345')));
        expect(show(store.get('buf'))).toBe(show(bytes('buffer')));
      }));

    it("hands out every value as a fresh Buffer: get, entries, values, and a snapshot's", () =>
      withStore(async (store) => {
        await store.set('a', bytes('1'));
        await store.set('b', new Uint8Array(0));
        const snapshot = store.snapshot();
        try {
          const values = [
            store.get('a'),
            store.get('b'),
            ...[...store.entries()].map(([, value]) => value),
            ...store.values(),
            snapshot.get('a'),
            ...[...snapshot.entries()].map(([, value]) => value),
            ...snapshot.values(),
          ];
          expect(values).toHaveLength(11);
          for (const value of values) {
            expect(Buffer.isBuffer(value)).toBe(true);
            expect(Object.getPrototypeOf(value)).toBe(Buffer.prototype);
          }
          expect(store.get('a')!.toString('utf8')).toBe('1');
          expect(store.get('a')).not.toBe(store.get('a'));
        } finally {
          snapshot.close();
        }
      }));

    it('clear removes every key and the store stays usable', () =>
      withStore(async (store) => {
        for (let i = 0; i < 50; i++) await store.set(`k${i}`, bytes(String(i)));
        await store.clear();
        expect(store.size).toBe(0);
        expect(store.has('k1')).toBe(false);
        expect([...store.keys()]).toEqual([]);
        await store.set('k1', bytes('again'));
        expect(show(store.get('k1'))).toBe(show(bytes('again')));
      }));

    it('writes issued without awaiting apply in call order per key', () =>
      withStore(async (store) => {
        const pending: Promise<unknown>[] = [];
        for (let i = 0; i < 20; i++) pending.push(store.set('k', bytes(String(i))));
        pending.push(store.delete('d'), store.set('d', bytes('last')));
        await Promise.all(pending);
        expect(show(store.get('k'))).toBe(show(bytes('19')));
        expect(show(store.get('d'))).toBe(show(bytes('last')));
      }));
  });
}

/** The edge-case keys every store must keep apart and return intact. */
export function edgeKeys(longKeyLength: number): string[] {
  return [
    '',
    ' ',
    'a',
    'A',
    'a ',
    'x'.repeat(longKeyLength),
    `${'y'.repeat(longKeyLength - 1)}z`,
    'ключ',
    '日本語のキー',
    '🔑🗝️',
    'e\u0301',
    'é',
    '/',
    'a/b/c',
    '/leading',
    'trailing/',
    '%',
    '%2F',
    '%00',
    '\0',
    'a\0b',
    '\0\0',
    '\n',
    'line\nbreak',
    '\r\n',
    '\t',
    '"quoted"',
    '\\',
    'SET k dmFs',
    '\u2028',
    '\uffff',
    '__proto__',
    'constructor',
    'hasOwnProperty',
  ];
}
