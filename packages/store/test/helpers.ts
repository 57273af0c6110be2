import type { EVERY_KEY, LockableStore, LockMode } from '../src/index.js';
import { shardOfKey } from '../src/testing/shards.js';

/** A promise with its resolve function, to hold a critical section open until the test says so. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets every pending promise callback run (no timers involved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Two keys that a `shards`-way ShardedStore (power of two) puts in different shards. */
export function keysInDifferentShards(shards: number): [string, string] {
  const first = 'a';
  for (let i = 0; ; i++) {
    const other = `b${i}`;
    if (shardOfKey(other, shards) !== shardOfKey(first, shards)) {
      return [first, other];
    }
  }
}

/** UTF-8 bytes of a string. */
export const b = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

/** A value as text, or undefined. */
export const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : Buffer.from(value).toString();

/**
 * Runs `critical` holding `mode` on `keys` of `store` (taken with `acquire` at the call), and
 * releases once it settles: a decorator's critical section, as the tests need one.
 */
export function withLock<T>(
  store: LockableStore,
  keys: string | readonly string[] | typeof EVERY_KEY,
  mode: LockMode,
  critical: () => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    store.acquire(keys, mode, (release) => {
      let result: Promise<T>;
      try {
        result = critical();
      } catch (error) {
        release();
        reject(error);
        return;
      }
      result.finally(release).then(resolve, reject);
    });
  });
}
