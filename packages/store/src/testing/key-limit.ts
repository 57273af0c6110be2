import { describe, expect, it } from 'vitest';
import type { Store } from '../contract.js';
import { bytes } from './bytes.js';
import type { ResolvedSuiteOptions } from './options.js';

/** A key of 16 KiB, for stores that cap no key. */
const UNCAPPED_KEY_BYTES = 16 * 1024;

/** Every write of `key`, each as a promise. */
function writesOf(store: Store, key: string): [string, () => Promise<unknown>][] {
  return [
    ['set', () => store.set(key, bytes('v'))],
    ['delete', () => store.delete(key)],
    ['putIfAbsent', () => store.putIfAbsent(key, bytes('v'))],
    ['compareAndSet', () => store.compareAndSet(key, undefined, bytes('v'))],
    [
      'batch',
      () =>
        store.batch([
          { type: 'set', key: 'fine', value: bytes('1') },
          { type: 'set', key, value: bytes('v') },
        ]),
    ],
  ];
}

/**
 * Registers the key-length cases: a store that caps keys (`maxKeyBytes`) refuses a longer one
 * from every write with the same code as any other invalid key, and takes one at the cap; a
 * store that caps none takes a long one.
 */
export function keyLimitTests(o: ResolvedSuiteOptions): void {
  const max = o.maxKeyBytes;
  describe('key length', () => {
    if (max === undefined) {
      it(`takes a key of ${UNCAPPED_KEY_BYTES} UTF-8 bytes (this store caps no key)`, () =>
        o.withStore(async (store) => {
          const key = 'é'.repeat(UNCAPPED_KEY_BYTES / 2);
          await store.set(key, bytes('v'));
          expect(store.has(key)).toBe(true);
          expect([...store.keys()]).toEqual([key]);
        }));
      return;
    }
    it('refuses a key over maxKeyBytes UTF-8 bytes from every write, as any invalid key, writing nothing', () =>
      o.withStore(async (store) => {
        // One byte over, counted in UTF-8: ASCII, and 2-byte characters with an ASCII tail.
        const over = ['k'.repeat(max + 1), `${'é'.repeat(Math.floor(max / 2))}kk`];
        for (const key of over) {
          expect(Buffer.byteLength(key, 'utf8')).toBeGreaterThan(max);
          for (const [name, write] of writesOf(store, key)) {
            await expect(write(), name).rejects.toMatchObject({ code: o.codes.invalidKey });
          }
        }
        expect(store.size).toBe(0);
      }));

    it('takes a key of exactly maxKeyBytes UTF-8 bytes', () =>
      o.withStore(async (store) => {
        const atMax = ['k'.repeat(max), `${'é'.repeat(Math.floor(max / 2))}${'k'.repeat(max % 2)}`];
        for (const key of atMax) {
          expect(Buffer.byteLength(key, 'utf8')).toBe(max);
          await store.set(key, bytes('v'));
          expect(store.has(key)).toBe(true);
        }
      }));
  });
}
