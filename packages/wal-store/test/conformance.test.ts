import { rm } from 'node:fs/promises';
import { type LockableStore, LockedStore, ShardedStore, type Store } from '@hermes/store';
import { storeSuite } from '@hermes/store/testing';
import { DEFAULT_LIMITS } from '@hermes/wal';
import { afterAll } from 'vitest';
import { type DurableStore, openDurableStore } from '../src/index.js';
import { PlainLockable } from './helpers/plain-lockable.js';
import { TempDirs } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());
const dirOf = new WeakMap<Store, string>();

/** A durable store over `inner` in a fresh directory, removed when the suite disposes it. */
function durable(inner: () => LockableStore): () => Promise<Store> {
  return async () => {
    const dir = await dirs.make();
    const store = await openDurableStore({ dir, store: inner() });
    dirOf.set(store, dir);
    return store;
  };
}

// Fewer fast-check runs than the in-memory stores get: every run opens a log and fsyncs.
function options(inner: () => LockableStore) {
  return {
    concurrencyRuns: 40,
    modelRuns: 40,
    // The log's codec caps keys; the store refuses longer ones as any invalid key.
    maxKeyBytes: DEFAULT_LIMITS.maxKeyBytes,
    dispose: async (store: Store): Promise<void> => {
      const dir = dirOf.get(store);
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
    compact: (store: Store) => (store as DurableStore).compact(),
    reopen: async (store: Store): Promise<Store> => {
      await store.close();
      return openDurableStore({ dir: dirOf.get(store)!, store: inner() });
    },
  };
}

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore (16 shards)', () => new ShardedStore()],
  ['ShardedStore (3 shards)', () => new ShardedStore({ shards: 3 })],
  ['a LockableStore of the user', () => new PlainLockable(new ShardedStore())],
];
for (const [name, inner] of stores) {
  storeSuite(`durable store over ${name}`, durable(inner), options(inner));
}
