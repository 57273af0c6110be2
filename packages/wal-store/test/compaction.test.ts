import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type DurableStore, openDurableStore } from '../src/index.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore()],
];

const SNAPSHOT_TMP = /\.snap\.tmp$/;

function contents(db: DurableStore): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of db.entries()) out[k] = text(v);
  return out;
}

/** Reopens `dir` with a fresh store and returns its contents and open report. */
async function reopen(dir: string, makeStore: () => LockableStore) {
  const db = await openDurableStore({ dir, store: makeStore(), compaction: false });
  const state = contents(db);
  const report = db.report;
  await db.close();
  return { state, report };
}

describe.each(stores)('compaction over %s', (_name, makeStore) => {
  it('after compaction, open replays only the live data', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore(), compaction: false });
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) => db.set(`key${k}`, bytes(`r${round}-${k}`))),
      );
    }
    await db.delete('key0');
    const expected = contents(db);
    const before = await reopenCounts(db, dir, makeStore);
    expect(before.records).toBe(501);

    const db2 = await openDurableStore({ dir, store: makeStore(), compaction: false });
    const report = await db2.compact();
    expect(report.entries).toBe(49);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore / 5);
    expect(db2.stats()).toMatchObject({ compactions: 1, compactionFailures: 0 });
    expect(db2.stats().lastCompaction).toEqual(report);
    await db2.close();

    const after = await reopen(dir, makeStore);
    expect(after.state).toEqual(expected);
    expect(after.report.records).toBe(49);
    expect(after.report.fromSnapshot).toBe(true);
    expect(after.report.bytes).toBeLessThan(before.bytes / 5);
  });

  it('writes keep completing while the snapshot is written, and a mix of old and new values converges', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, compaction: false });
    // Over 1 MiB of live data, so the snapshot is flushed while its entries are still read.
    const big = (tag: string, k: number): Uint8Array => bytes(`${tag}-${k}-`.padEnd(1024, '.'));
    for (let start = 0; start < 2000; start += 500) {
      await db.batch(
        Array.from({ length: 500 }, (_, i) => ({
          type: 'set' as const,
          key: `k${start + i}`,
          value: big('old', start + i),
        })),
      );
    }
    // Hold the snapshot's first flush: part of the entries were read (old values), not the rest.
    const flush = fs.hang('write', { path: SNAPSHOT_TMP });
    const compaction = db.compact();
    await flush.reached;
    // Every key changes (overwritten, deleted or both) and new keys appear, while it hangs.
    for (let start = 0; start < 2000; start += 500) {
      await db.batch(
        Array.from({ length: 500 }, (_, i) => {
          const k = start + i;
          return k % 10 === 3
            ? { type: 'delete' as const, key: `k${k}` }
            : { type: 'set' as const, key: `k${k}`, value: big('new', k) };
        }),
      );
    }
    await db.set('fresh', bytes('f'));
    expect(db.stats().compacting).toBe(true);
    flush.release();
    const report = await compaction;
    expect(report.entries).toBeGreaterThan(0);
    const expected = contents(db);
    expect(Object.keys(expected)).toHaveLength(1801);
    await db.close();
    const after = await reopen(dir, makeStore);
    expect(after.report.fromSnapshot).toBe(true);
    expect(after.state).toEqual(expected);
  });

  it('a failed compaction (ENOSPC) is reported, leaves the log usable, and backs off doubling', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({
      dir,
      store: makeStore(),
      fs,
      compaction: { backoffMs: 100, maxBackoffMs: 300, minLogBytes: 1 << 30 },
    });
    await Promise.all(Array.from({ length: 100 }, (_, k) => db.set(`k${k}`, bytes(`v${k}`))));
    const failed = once(db, 'compaction-failed');
    fs.fail('write', 'ENOSPC', { path: SNAPSHOT_TMP });
    await expect(db.compact()).rejects.toMatchObject({ code: 'ENOSPC' });
    const [error] = (await failed) as [Error];
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(db.stats()).toMatchObject({
      compactions: 0,
      compactionFailures: 1,
      compactionBackoffMs: 100,
      lastCompaction: null,
    });
    expect(db.stats().lastCompactionError).toBe(error);
    expect(db.health()).toEqual({ ok: true });
    // No temporary file left behind, and the log takes writes.
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await db.set('after', bytes('a'));

    fs.fail('datasync', 'EIO', { path: SNAPSHOT_TMP });
    await expect(db.compact()).rejects.toMatchObject({ code: 'EIO' });
    expect(db.stats()).toMatchObject({ compactionFailures: 2, compactionBackoffMs: 200 });
    fs.fail('rename', 'EIO');
    await expect(db.compact()).rejects.toMatchObject({ code: 'EIO' });
    expect(db.stats()).toMatchObject({ compactionFailures: 3, compactionBackoffMs: 300 });
    await db.set('after2', bytes('b'));
    expect(db.health()).toEqual({ ok: true });

    // A success resets the backoff.
    const report = await db.compact();
    expect(report.entries).toBe(102);
    expect(db.stats()).toMatchObject({ compactions: 1, compactionBackoffMs: 0 });
    expect(db.stats().lastCompactionError).toBeNull();
    const expected = contents(db);
    await db.close();
    expect((await reopen(dir, makeStore)).state).toEqual(expected);
  });

  it('compacts automatically once the log outgrows the live data, one at a time', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({
      dir,
      store: makeStore(),
      compaction: { minLogBytes: 16 * 1024, ratio: 2 },
    });
    const compacted = once(db, 'compaction');
    for (let round = 0; round < 100; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => db.set(`k${k}`, bytes(`${round}`.padEnd(100)))),
      );
    }
    const [report] = (await compacted) as [{ entries: number }];
    expect(report.entries).toBe(10);
    // It fires again and again as the log regrows, so the log stays far below what was written
    // (1000 records of about 130 bytes), whatever the timing of the compactions.
    expect(db.stats().compactions).toBeGreaterThanOrEqual(2);
    expect(db.stats().logBytes).toBeLessThan(64 * 1024);
    const expected = contents(db);
    await db.close();
    expect((await reopen(dir, makeStore)).state).toEqual(expected);
  });

  it('does not compact automatically when switched off', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore(), compaction: false });
    for (let round = 0; round < 100; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => db.set(`k${k}`, bytes(`${round}`.padEnd(100)))),
      );
    }
    expect(db.stats()).toMatchObject({ compacting: false, compactions: 0 });
    expect(db.stats().logBytes).toBeGreaterThan(100_000);
    await db.close();
    expect((await readdir(dir)).some((n) => n.endsWith('.snap'))).toBe(false);
  });

  it('does not retry automatically while backing off', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({
      dir,
      store: makeStore(),
      fs,
      compaction: { minLogBytes: 4096, ratio: 2, backoffMs: 3_600_000 },
    });
    fs.fail('openAppend', 'ENOSPC', { path: SNAPSHOT_TMP });
    const failed = once(db, 'compaction-failed');
    for (let i = 0; i < 200; i++) await db.set(`k${i % 10}`, bytes(`${i}`.padEnd(100)));
    await failed;
    fs.resetCounts();
    for (let i = 0; i < 400; i++) await db.set(`k${i % 10}`, bytes(`${i}`.padEnd(100)));
    expect(db.stats()).toMatchObject({ compactionFailures: 1, compactions: 0, compacting: false });
    expect(fs.counts.rename).toBe(0);
    await db.close();
  });

  it('concurrent compact() calls run one at a time and both succeed', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore(), compaction: false });
    await Promise.all(Array.from({ length: 100 }, (_, k) => db.set(`k${k}`, bytes(`v${k}`))));
    const [a, b] = await Promise.all([db.compact(), db.compact(), db.set('x', bytes('1'))]);
    expect(a.entries).toBeGreaterThanOrEqual(100);
    expect(b.entries).toBeGreaterThanOrEqual(100);
    expect(db.stats().compactions).toBe(2);
    await db.close();
    expect(Object.keys((await reopen(dir, makeStore)).state)).toHaveLength(101);
  });

  it('close() during a compaction stops it and keeps the data', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, compaction: false });
    await Promise.all(Array.from({ length: 100 }, (_, k) => db.set(`k${k}`, bytes(`v${k}`))));
    const expected = contents(db);
    const hung = fs.hang('datasync', { path: SNAPSHOT_TMP });
    const compaction = db.compact();
    compaction.catch(() => {});
    await hung.reached;
    const closed = db.close();
    hung.release();
    await closed;
    await compaction.then(
      (r) => expect(r.entries).toBe(100),
      (e: unknown) => expect(e).toBeInstanceOf(Error),
    );
    expect((await reopen(dir, makeStore)).state).toEqual(expected);
  });
});

async function reopenCounts(db: DurableStore, dir: string, makeStore: () => LockableStore) {
  await db.close();
  return (await reopen(dir, makeStore)).report;
}
