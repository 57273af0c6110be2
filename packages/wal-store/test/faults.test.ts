import { once } from 'node:events';
import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { SyncEverySecond, SyncEveryWrite } from '@hermes/wal';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { readLogText } from './helpers/read-log.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore()],
];

describe.each(stores)('faults through the log, over %s', (_name, makeStore) => {
  it('a write is not readable before its fsync, and is readable once it resolves', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, sync: SyncEveryWrite });
    const fsync = fs.hang('datasync');
    const write = db.set('k', bytes('v'));
    const del = db.delete('other');
    await fsync.reached;
    expect(db.get('k')).toBeUndefined();
    expect(db.has('k')).toBe(false);
    expect(db.size).toBe(0);
    fsync.release();
    await write;
    expect(await del).toBe(false);
    expect(text(db.get('k'))).toBe('v');
    await db.close();
  });

  it('under SyncEverySecond a write is not readable before it reaches the OS', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, sync: SyncEverySecond });
    const write = fs.hang('write');
    const pending = db.batch([
      { type: 'set', key: 'a', value: bytes('1') },
      { type: 'set', key: 'b', value: bytes('2') },
    ]);
    await write.reached;
    expect(db.has('a') || db.has('b')).toBe(false);
    write.release();
    await pending;
    expect([text(db.get('a')), text(db.get('b'))]).toEqual(['1', '2']);
    await db.close();
  });

  it('a failed write rejects with the log error, changes no memory, poisons writes, keeps reads', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs });
    await db.set('kept', bytes('1'));
    const poisoned = once(db, 'poisoned');
    fs.fail('write', 'ENOSPC');
    const results = await Promise.allSettled([
      db.set('lost', bytes('x')),
      db.putIfAbsent('lost2', bytes('y')),
      db.batch([{ type: 'delete', key: 'kept' }]),
    ]);
    // The write that hit the fault gets WAL_WRITE_FAILED; writes queued behind it (a
    // conditional write waits for its exclusive lock) may find the log already poisoned.
    const codes = results.map((r) =>
      r.status === 'rejected' ? (r.reason as { code?: string }).code : 'resolved',
    );
    expect(codes[0]).toBe('WAL_WRITE_FAILED');
    for (const code of codes) expect(['WAL_WRITE_FAILED', 'WAL_POISONED']).toContain(code);
    const [error] = (await poisoned) as [Error];
    expect(error).toBeInstanceOf(Error);
    expect(db.has('lost') || db.has('lost2')).toBe(false);
    expect(text(db.get('kept'))).toBe('1');
    await expect(db.set('later', bytes('z'))).rejects.toMatchObject({ code: 'WAL_POISONED' });
    await expect(db.compareAndSet('kept', bytes('1'), bytes('2'))).rejects.toMatchObject({
      code: 'WAL_POISONED',
    });
    expect(text(db.get('kept'))).toBe('1');
    const health = db.health();
    expect(health.ok).toBe(false);
    expect(health).toMatchObject({ code: 'WAL_WRITE_FAILED' });
    expect(db.stats().poisoned).not.toBeNull();
    await expect(db.close()).rejects.toMatchObject({ code: 'WAL_POISONED' });
    expect(await readLogText(dir)).toEqual(['set kept=1']);
  });

  it('a failed fsync rejects every write of its group and applies none of them', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs });
    const fsync = fs.fail('datasync', 'EIO');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => db.set(`k${i}`, bytes(`${i}`))),
    );
    expect(fsync.fired).toBe(true);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) {
      expect(['WAL_SYNC_FAILED', 'WAL_POISONED']).toContain(
        ((r as PromiseRejectedResult).reason as { code: string }).code,
      );
    }
    // Exactly the writes that resolved are readable.
    results.forEach((r, i) => {
      expect(db.has(`k${i}`)).toBe(r.status === 'fulfilled');
    });
    expect(db.health()).toMatchObject({ ok: false, code: 'WAL_SYNC_FAILED' });
    await db.close().catch(() => {});
  });

  it('close() with a write stuck in a hung fsync returns by the close timeout', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, closeTimeoutMs: 200 });
    const fsync = fs.hang('datasync');
    const stuck = db.set('k', bytes('v'));
    stuck.catch(() => {});
    await fsync.reached;
    await expect(db.close()).rejects.toMatchObject({ code: 'WAL_CLOSE_TIMEOUT' });
    await expect(stuck).rejects.toBeInstanceOf(Error);
    fsync.release();
  });

  it('a batch torn at any byte of its line is all or nothing after a crash', async () => {
    const batch = [
      { type: 'set' as const, key: 'b1', value: bytes('one') },
      { type: 'delete' as const, key: 'pre' },
      { type: 'set' as const, key: 'b2', value: bytes('two'.repeat(20)) },
    ];
    // Learn the batch line's length.
    const probeDir = await dirs.make();
    const probe = await openDurableStore({ dir: probeDir, store: makeStore() });
    const before = probe.stats().logBytes;
    await probe.batch(batch);
    const lineBytes = probe.stats().logBytes - before;
    await probe.close();
    expect(lineBytes).toBeGreaterThan(20);

    const cuts = [0, 1, 2, Math.floor(lineBytes / 2), lineBytes - 2, lineBytes - 1, lineBytes];
    for (const cut of cuts) {
      const dir = await dirs.make();
      const fs = new FaultyFileSystem();
      const db = await openDurableStore({ dir, store: makeStore(), fs });
      await db.set('pre', bytes('p'));
      fs.shortWrite(cut, 'EIO');
      await expect(db.batch(batch)).rejects.toMatchObject({ code: 'WAL_WRITE_FAILED' });
      expect(db.has('b1') || db.has('b2')).toBe(false);
      await fs.crash({ keepRandomPrefix: true });
      await db.close().catch(() => {});

      const again = await openDurableStore({ dir, store: makeStore() });
      const state = Object.fromEntries([...again.entries()].map(([k, v]) => [k, text(v)]));
      const nothing = { pre: 'p' };
      const all = { b1: 'one', b2: 'two'.repeat(20) };
      if (cut < lineBytes) expect(state, `cut at ${cut} of ${lineBytes}`).toEqual(nothing);
      // The whole line reached the file before the write failed: the crash keeps some prefix of
      // it, so the batch that was refused may come back whole (never in part).
      else expect([nothing, all], `cut at ${cut} of ${lineBytes}`).toContainEqual(state);
      await again.close();
    }
  });

  it('an unsynced batch is all or nothing after a crash that keeps a random prefix', async () => {
    for (let round = 0; round < 8; round++) {
      const dir = await dirs.make();
      const fs = new FaultyFileSystem();
      const db = await openDurableStore({ dir, store: makeStore(), fs });
      await db.set('pre', bytes('p'));
      const fsync = fs.hang('datasync');
      const pending = db.batch(
        Array.from({ length: 50 }, (_, i) => ({
          type: 'set',
          key: `k${i}`,
          value: bytes(`v${i}`),
        })),
      );
      pending.catch(() => {});
      await fsync.reached;
      await fs.crash({ keepRandomPrefix: true });
      fsync.release();
      await expect(pending).rejects.toBeInstanceOf(Error);
      await db.close().catch(() => {});

      const again = await openDurableStore({ dir, store: makeStore() });
      expect(again.has('pre')).toBe(true);
      const present = Array.from({ length: 50 }, (_, i) => again.has(`k${i}`));
      expect(new Set(present).size, `round ${round}: part of a batch survived`).toBe(1);
      await again.close();
    }
  });
});
