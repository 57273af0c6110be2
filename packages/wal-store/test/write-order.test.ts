// Writes called without awaiting reach the log and memory in call order on every key they
// share, whatever their kind and whatever lock they wait for: the durable store takes every
// write's locks with the wrapped store's one primitive, acquire(), at the moment it is called.
import { type LockableStore, ShardedStore } from '@hermes/store';
import { shardOfKey } from '@hermes/store/testing';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { PlainLockable } from './helpers/plain-lockable.js';
import { readLogText } from './helpers/read-log.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

/** Whether `key`'s lock in `store` can be taken exclusively right now (and gives it back). */
function lockFree(store: LockableStore, key: string): boolean {
  let granted = false;
  store.acquire(key, 'exclusive', (release) => {
    granted = true;
    release();
  });
  return granted;
}

/** The shard of `key` in a 16-shard ShardedStore. */
const shardOf = (key: string): number => shardOfKey(key, 16);

describe('write order of the durable store', () => {
  it.each([
    ['a ShardedStore', () => new ShardedStore({ shards: 4 })],
    ['a LockableStore of the user', () => new PlainLockable(new ShardedStore({ shards: 4 }))],
  ])(
    'writes of every kind started together are acknowledged in log order (over %s)',
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
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    await db.set('k', bytes('old'));
    const cas = db.compareAndSet('k', bytes('old'), bytes('cas'));
    const set = db.set('k', bytes('set'));
    // A key in another of the 16 shards, whose lock is free.
    const elsewhere = ['elsewhere', 'other', 'x1', 'x2'].find(
      (key) => shardOf(key) !== shardOf('k'),
    )!;
    const other = db.set(elsewhere, bytes('x'));
    expect(await cas).toBe(true);
    await set;
    await other;
    expect(text(db.get('k'))).toBe('set');
    await db.close();
    // The CAS appended at once; the set on its key waited for the lock, and the set on another
    // key, which shares nothing with them, went ahead.
    expect(await readLogText(dir)).toEqual([
      'set k=old',
      'set k=cas',
      `set ${elsewhere}=x`,
      'set k=set',
    ]);
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

  it('a write whose append fails releases its lock and changes no memory', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const store = new ShardedStore();
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
    expect(lockFree(store, 'k')).toBe(true);
    // And a write refused by the poisoned log holds none either.
    await expect(db.set('k', bytes('later'))).rejects.toMatchObject({ code: 'WAL_POISONED' });
    expect(lockFree(store, 'k')).toBe(true);
    await db.close().catch(() => {});
  });

  it('close waits for writes in flight; later ones reject STORE_CLOSED', async () => {
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

  // The bug of issue 12: a conditional write (or compaction's cut) holds A's shard; a batch over
  // A and K waits for it; a write on K called after the batch must still apply after it.
  const holders = {
    putIfAbsent: (db: Awaited<ReturnType<typeof openDurableStore>>) =>
      db.putIfAbsent('A', bytes('held')),
    compareAndSet: (db: Awaited<ReturnType<typeof openDurableStore>>) =>
      db.compareAndSet('A', undefined, bytes('held')),
    compact: (db: Awaited<ReturnType<typeof openDurableStore>>) => db.compact(),
  };
  // Keys on every other shard, below and above A's.
  const others = Array.from({ length: 400 }, (_, i) => `K${i}`)
    .filter((key) => shardOf(key) !== shardOf('A'))
    .filter((key, i, all) => all.findIndex((k) => shardOf(k) === shardOf(key)) === i);

  it('the keys of the regression test lie on shards both below and above A', () => {
    expect(others).toHaveLength(15);
    expect(others.some((k) => shardOf(k) < shardOf('A'))).toBe(true);
    expect(others.some((k) => shardOf(k) > shardOf('A'))).toBe(true);
  });

  it.each(Object.keys(holders) as (keyof typeof holders)[])(
    'a write on K called after a batch over A and K that waits for %s on A applies after the batch',
    async (holder) => {
      for (const later of ['set', 'delete', 'compareAndSet'] as const) {
        const dir = await dirs.make();
        const db = await openDurableStore({ dir, store: new ShardedStore() });
        const calls: Promise<unknown>[] = [holders[holder](db)];
        for (const k of others) {
          calls.push(
            db.batch([
              { type: 'set', key: 'A', value: bytes(`batch ${k}`) },
              { type: 'set', key: k, value: bytes('batch') },
            ]),
          );
          if (later === 'set') calls.push(db.set(k, bytes('later')));
          else if (later === 'delete') calls.push(db.delete(k));
          else calls.push(db.compareAndSet(k, bytes('batch'), bytes('later')));
        }
        const results = await Promise.all(calls);
        const expected = later === 'delete' ? undefined : 'later';
        for (const k of others) {
          expect(
            text(db.get(k)),
            `${later} on ${k} (shard ${shardOf(k)}, A on ${shardOf('A')})`,
          ).toBe(expected);
        }
        // Each later write saw the batch's value: delete found the key, compareAndSet matched.
        for (let i = 2; i < results.length; i += 2) {
          if (later !== 'set') expect(results[i], `${later} #${i / 2}`).toBe(true);
        }
        await db.close();
        const reopened = await openDurableStore({ dir, store: new ShardedStore() });
        for (const k of others) expect(text(reopened.get(k))).toBe(expected);
        await reopened.close();
      }
    },
  );
});
