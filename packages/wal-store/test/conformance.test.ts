import { rm } from 'node:fs/promises';
import { type LockableStore, LockedStore, ShardedStore, type Store } from '@hermes/store';
import { storeSuite } from '@hermes/store/testing';
import { afterAll } from 'vitest';
import { openDurableStore } from '../src/index.js';
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
const options = {
  concurrencyRuns: 40,
  modelRuns: 40,
  dispose: async (store: Store): Promise<void> => {
    const dir = dirOf.get(store);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  },
};

storeSuite(
  'durable store over LockedStore',
  durable(() => new LockedStore()),
  options,
);
storeSuite(
  'durable store over ShardedStore',
  durable(() => new ShardedStore()),
  options,
);
storeSuite(
  'durable store over a LockableStore without the single-key fast path',
  durable(() => new PlainLockable(new ShardedStore())),
  options,
);
