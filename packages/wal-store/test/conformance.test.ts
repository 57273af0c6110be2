import { LockedStore, ShardedStore } from '@hermes/store';
import { storeSuite } from '@hermes/store/testing';
import { afterAll } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { TempDirs } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

storeSuite('durable store over LockedStore', async () =>
  openDurableStore({ dir: await dirs.make(), store: new LockedStore() }),
);

storeSuite('durable store over ShardedStore', async () =>
  openDurableStore({ dir: await dirs.make(), store: new ShardedStore() }),
);
