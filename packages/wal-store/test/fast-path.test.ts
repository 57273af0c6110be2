// The single-key fast path of set/delete (the store's lockIndexOf/tryLockIndex/setUnlocked/...)
// must keep every guarantee of the general withLock path: discipline, order, failure handling.
import { hashString, ShardedStore } from '@hermes/store';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { PlainLockable } from './helpers/plain-lockable.js';
import { readLogText } from './helpers/read-log.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

/** A ShardedStore that counts calls of its fast-path apply methods. */
class CountingStore extends ShardedStore {
  fastApplies = 0;
  override setUnlocked(key: string, value: Uint8Array, index?: number): boolean {
    this.fastApplies++;
    expect(index).toBe(this.lockIndexOf(key));
    return super.setUnlocked(key, value, index);
  }
  override deleteUnlocked(key: string, index?: number): boolean {
    this.fastApplies++;
    expect(index).toBe(this.lockIndexOf(key));
    return super.deleteUnlocked(key, index);
  }
}

describe('single-key fast path of the durable store', () => {
  it('set and delete go through the fast path when the store offers it', async () => {
    const store = new CountingStore();
    const db = await openDurableStore({ dir: await dirs.make(), store });
    await db.set('a', bytes('1'));
    expect(await db.delete('a')).toBe(true);
    expect(await db.delete('a')).toBe(false);
    expect(store.fastApplies).toBe(3);
    await db.close();
  });

  it.each([
    ['a store with the fast path', () => new ShardedStore({ shards: 4 })],
    ['a store without it', () => new PlainLockable(new ShardedStore({ shards: 4 }))],
  ])(
    'writes of every path started together are acknowledged in log order (%s)',
    async (_n, make) => {
      const dir = await dirs.make();
      const db = await openDurableStore({ dir, store: make() });
      const acks: number[] = [];
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 60; i++) {
        const key = `k${i % 7}`;
        const kind = i % 4;
        const write =
          kind === 0
            ? db.batch([
                { type: 'set', key, value: bytes(`b${i}`) },
                { type: 'set', key: `k${(i + 3) % 7}`, value: bytes(`b${i}`) },
              ])
            : kind === 1
              ? db.delete(key)
              : db.set(key, bytes(`s${i}`));
        writes.push(write.then(() => acks.push(i)));
      }
      await Promise.all(writes);
      expect(acks).toEqual(Array.from({ length: 60 }, (_, i) => i));
      const log = await db.close().then(() => readLogText(dir));
      expect(log).toHaveLength(60);
      expect(log[2]).toBe('set k2=s2');
      expect(log[4]).toBe('batch[set k4=b4,set k0=b4]');
    },
  );

  it('a set on a key held by a compare-and-set waits for it, then applies after it', async () => {
    const dir = await dirs.make();
    const store = new CountingStore();
    const db = await openDurableStore({ dir, store });
    await db.set('k', bytes('old'));
    const cas = db.compareAndSet('k', bytes('old'), bytes('cas'));
    const set = db.set('k', bytes('set'));
    // A key in another of the 16 shards, whose lock is free.
    const elsewhere = ['elsewhere', 'other', 'x1', 'x2'].find(
      (key) => (hashString(key) & 15) !== (hashString('k') & 15),
    )!;
    const other = db.set(elsewhere, bytes('x'));
    expect(await cas).toBe(true);
    await set;
    await other;
    expect(text(db.get('k'))).toBe('set');
    await db.close();
    // The CAS appended at once; the set on its key fell back to waiting for the lock, so the
    // set on another key overtook it; only the two uncontended sets took the fast path.
    expect(await readLogText(dir)).toEqual([
      'set k=old',
      'set k=cas',
      `set ${elsewhere}=x`,
      'set k=set',
    ]);
    expect(store.fastApplies).toBe(2);
  });

  it('a store that refuses the apply (STORE_FULL) fails the write with DURABLE_APPLY_FAILED and refuses later writes; reads go on', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({
      dir,
      store: new ShardedStore({ shards: 1, maxKeysPerShard: 1 }),
    });
    await db.set('a', bytes('1'));
    const full = expect.objectContaining({ code: 'DURABLE_APPLY_FAILED' });
    await expect(db.set('b', bytes('2'))).rejects.toEqual(full);
    await expect(db.set('a', bytes('3'))).rejects.toEqual(full);
    await expect(db.delete('a')).rejects.toEqual(full);
    expect(text(db.get('a'))).toBe('1');
    expect(db.has('b')).toBe(false);
    expect(db.health()).toMatchObject({ ok: false, code: 'DURABLE_APPLY_FAILED' });
    await db.close();
  });

  it('a fast-path write whose append fails releases its lock and changes no memory', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const store = new CountingStore();
    const db = await openDurableStore({ dir, store, fs });
    await db.set('k', bytes('kept'));
    fs.fail('datasync', 'EIO');
    const results = await Promise.allSettled([db.set('k', bytes('lost')), db.delete('k')]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(['WAL_SYNC_FAILED', 'WAL_POISONED']).toContain(
        ((r as PromiseRejectedResult).reason as { code: string }).code,
      );
    }
    expect(text(db.get('k'))).toBe('kept');
    // Both holds were released: the key's lock is free for an exclusive holder.
    const index = store.lockIndexOf('k');
    expect(store.tryLockIndex(index, 'exclusive')).toBe(true);
    store.unlockIndex(index, 'exclusive');
    // And a write refused by the poisoned log before any lock was taken holds none either.
    await expect(db.set('k', bytes('later'))).rejects.toMatchObject({ code: 'WAL_POISONED' });
    expect(store.tryLockIndex(index, 'exclusive')).toBe(true);
    store.unlockIndex(index, 'exclusive');
    await db.close().catch(() => {});
  });

  it('close waits for fast-path writes in flight; later ones reject STORE_CLOSED', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    const inflight = Array.from({ length: 50 }, (_, i) => db.set(`k${i}`, bytes(`${i}`)));
    const closed = db.close();
    await expect(db.set('late', bytes('x'))).rejects.toEqual(
      expect.objectContaining({ code: 'STORE_CLOSED' }),
    );
    await Promise.all(inflight);
    await closed;
    expect(await readLogText(dir)).toHaveLength(50);
  });
});
