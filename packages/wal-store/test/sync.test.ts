import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

/** A sync period no test outlives: only `sync()` (or close) can make these writes durable. */
const ONE_HOUR = 3_600_000;

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore()],
];

describe.each(stores)('sync() of the durable store, over %s', (_name, makeStore) => {
  it('makes writes acknowledged under a periodic policy survive a power loss', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, sync: ONE_HOUR });
    await db.set('synced', bytes('1'));
    await db.sync();
    await db.set('unsynced', bytes('2'));
    await fs.crash();
    await db.close().catch(() => {});
    const again = await openDurableStore({ dir, store: makeStore() });
    expect(text(again.get('synced'))).toBe('1');
    expect(again.has('unsynced')).toBe(false);
    await again.close();
  });

  it('waits for a hung fsync and resolves once it returns', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, sync: ONE_HOUR });
    await db.set('k', bytes('v'));
    const fsync = fs.hang('datasync');
    let settled = false;
    const synced = db.sync().then(() => {
      settled = true;
    });
    await fsync.reached;
    expect(settled).toBe(false);
    fsync.release();
    await synced;
    expect(settled).toBe(true);
    await db.close();
  });

  it('rejects with the log error once a failed fsync poisoned the log', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, sync: ONE_HOUR });
    await db.set('k', bytes('v'));
    fs.fail('datasync', 'EIO');
    await expect(db.sync()).rejects.toMatchObject({ code: expect.stringMatching(/^WAL_/) });
    await expect(db.sync()).rejects.toMatchObject({ code: expect.stringMatching(/^WAL_/) });
    expect(text(db.get('k'))).toBe('v');
    await db.close().catch(() => {});
  });

  it('rejects with STORE_CLOSED once the store is closed', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await db.close();
    await expect(db.sync()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
