import { describe, expect, test } from 'vitest';
import { openWal, SyncEverySecond, SyncEveryWrite, type Wal, type WalError } from '../src/index.js';
import type { FaultyFileSystem } from '../src/testing/index.js';
import { setRecord } from '../src/testing/index.js';
import { replayKeys, settleTurns, track, useFaultyWal } from './helpers/wal-fixtures.js';

let dir: string;
let fs: FaultyFileSystem;
const openWith = useFaultyWal((d, f) => {
  dir = d;
  fs = f;
});

async function open(sync: number, extra: Record<string, unknown> = {}): Promise<Wal> {
  return openWith({ sync, ...extra });
}

function codeOf(error: unknown): string | undefined {
  return (error as WalError).code;
}

describe('SyncEveryWrite (0)', () => {
  test('no append resolves before the fsync that covers it', async () => {
    const wal = await open(SyncEveryWrite);
    const hang = fs.hang('datasync');
    let durable = false;
    const append = track(wal.append(setRecord(1), () => (durable = true)));
    await hang.reached;
    await settleTurns();
    expect(fs.counts.write).toBe(1);
    expect(append.settled).toBe(false);
    expect(durable).toBe(false);
    hang.release();
    await append.promise;
    expect(durable).toBe(true);
    expect(fs.counts.datasync).toBe(1);
  });

  test('a failed fsync rejects every waiter with WAL_SYNC_FAILED and poisons the log', async () => {
    const poisoned: Error[] = [];
    const wal = await open(SyncEveryWrite, {
      observer: { poisoned: (e: Error) => poisoned.push(e) },
    });
    const hang = fs.hang('write');
    const first = wal.append(setRecord(1));
    await hang.reached;
    const rest = [2, 3, 4].map((i) => wal.append(setRecord(i)));
    fs.fail('datasync', 'EIO');
    hang.release();
    const results = await Promise.allSettled([first, ...rest]);
    const firstError = (results[0] as PromiseRejectedResult).reason as WalError;
    expect(firstError.code).toBe('WAL_SYNC_FAILED');
    expect((firstError.cause as NodeJS.ErrnoException).code).toBe('EIO');
    for (const r of results.slice(1))
      expect(codeOf((r as PromiseRejectedResult).reason)).toBe('WAL_POISONED');
    expect(poisoned).toHaveLength(1);
    await expect(wal.append(setRecord(5))).rejects.toMatchObject({ code: 'WAL_POISONED' });
    await expect(wal.sync()).rejects.toMatchObject({ code: 'WAL_POISONED' });
    await expect(wal.rotate()).rejects.toMatchObject({ code: 'WAL_POISONED' });
    expect(wal.stats().poisoned).toBe(firstError);
    // The fsync is never retried.
    expect(fs.counts.datasync).toBe(1);
    await expect(wal.close()).rejects.toMatchObject({ code: 'WAL_POISONED' });
  });

  test.each(['ENOSPC', 'EIO'])(
    '%s on write rejects with WAL_WRITE_FAILED and poisons',
    async (code) => {
      const wal = await open(SyncEveryWrite);
      await wal.append(setRecord(1));
      fs.fail('write', code);
      const error = await wal.append(setRecord(2)).catch((e: unknown) => e);
      expect(codeOf(error)).toBe('WAL_WRITE_FAILED');
      expect(((error as WalError).cause as NodeJS.ErrnoException).code).toBe(code);
      await expect(wal.append(setRecord(3))).rejects.toMatchObject({ code: 'WAL_POISONED' });
      await wal.close().catch(() => {});
      expect(await replayKeys(dir)).toEqual(['k1']);
    },
  );

  test('a short write rejects, poisons, and reopening replays the clean prefix', async () => {
    const wal = await open(SyncEveryWrite);
    await wal.append(setRecord(1));
    fs.shortWrite(7, 'ENOSPC');
    await expect(wal.append(setRecord(2))).rejects.toMatchObject({ code: 'WAL_WRITE_FAILED' });
    await wal.close().catch(() => {});
    const keys: string[] = [];
    const { wal: again, report } = await openWal({
      dir,
      onRecord: (r) => keys.push(r.type === 'set' ? r.key : '?'),
    });
    expect(keys).toEqual(['k1']);
    expect(report.tornTail?.bytes).toBe(7);
    await again.append(setRecord(3));
    await again.close();
    expect(await replayKeys(dir)).toEqual(['k1', 'k3']);
  });

  test('group commit: appends arriving during an fsync share the next one', async () => {
    const wal = await open(SyncEveryWrite);
    const hang = fs.hang('datasync');
    const first = wal.append(setRecord(0));
    await hang.reached;
    const rest = Array.from({ length: 255 }, (_, i) => wal.append(setRecord(i + 1)));
    hang.release();
    await Promise.all([first, ...rest]);
    expect(fs.counts.datasync).toBe(2);
    expect(fs.counts.write).toBe(2);
    expect(wal.stats()).toMatchObject({ appends: 256, commits: 2, fsyncs: 2 });
  });

  test('many concurrent appenders need few fsyncs', async () => {
    const wal = await open(SyncEveryWrite);
    const appenders = Array.from({ length: 64 }, async (_, a) => {
      for (let i = 0; i < 20; i++) await wal.append(setRecord(a * 100 + i));
    });
    await Promise.all(appenders);
    expect(wal.stats().appends).toBe(1280);
    expect(fs.counts.datasync).toBeLessThan(1280 / 8);
  });
});

describe('SyncEverySecond and other intervals', () => {
  test('an append resolves once written, not before', async () => {
    const wal = await open(SyncEverySecond);
    const hang = fs.hang('write');
    const append = track(wal.append(setRecord(1)));
    await hang.reached;
    await settleTurns();
    expect(append.settled).toBe(false);
    hang.release();
    await append.promise;
    expect(fs.counts.datasync).toBe(0);
  });

  test('sync() resolves only after the fsync covering earlier appends', async () => {
    const wal = await open(60_000);
    await wal.append(setRecord(1));
    expect(wal.stats().fsyncLagMs).toBeGreaterThan(0);
    const hang = fs.hang('datasync');
    const sync = track(wal.sync());
    await hang.reached;
    await settleTurns();
    expect(sync.settled).toBe(false);
    hang.release();
    await sync.promise;
    expect(wal.stats().fsyncLagMs).toBe(0);
    expect(fs.counts.datasync).toBe(1);
    // Nothing new: sync() resolves without another fsync.
    await wal.sync();
    expect(fs.counts.datasync).toBe(1);
  });

  test('the ticker fsyncs what is unsynced', async () => {
    const synced: number[] = [];
    let tick!: () => void;
    const ticked = new Promise<void>((resolve) => {
      tick = resolve;
    });
    const wal = await open(20, {
      observer: {
        synced: (ms: number) => {
          synced.push(ms);
          tick();
        },
      },
    });
    await wal.append(setRecord(1));
    await ticked;
    expect(synced.length).toBeGreaterThanOrEqual(1);
    expect(wal.stats().fsyncs).toBeGreaterThanOrEqual(1);
  });

  test('a failed fsync rejects sync() with WAL_SYNC_FAILED and poisons', async () => {
    const wal = await open(60_000);
    await wal.append(setRecord(1));
    fs.fail('datasync', 'EIO');
    const error = await wal.sync().catch((e: unknown) => e);
    expect(codeOf(error)).toBe('WAL_SYNC_FAILED');
    await expect(wal.append(setRecord(2))).rejects.toMatchObject({ code: 'WAL_POISONED' });
    await expect(wal.close()).rejects.toMatchObject({ code: 'WAL_POISONED' });
  });

  test('ENOSPC on write rejects with WAL_WRITE_FAILED and poisons', async () => {
    const wal = await open(SyncEverySecond);
    fs.fail('write', 'ENOSPC');
    await expect(wal.append(setRecord(1))).rejects.toMatchObject({ code: 'WAL_WRITE_FAILED' });
    await expect(wal.append(setRecord(2))).rejects.toMatchObject({ code: 'WAL_POISONED' });
  });
});

describe('order and backpressure', () => {
  test("one caller's records land in call order, across callers too", async () => {
    const wal = await open(SyncEveryWrite, { maxCommitBytes: 200, maxQueueRecords: 7 });
    const callers = Array.from({ length: 5 }, async (_, c) => {
      const mine = Array.from({ length: 40 }, (_, i) => wal.append(setRecord(c * 1000 + i)));
      await Promise.all(mine);
    });
    await Promise.all(callers);
    await wal.close();
    const keys = await replayKeys(dir);
    expect(keys).toHaveLength(200);
    for (let c = 0; c < 5; c++) {
      const mine = keys.filter((k) => Math.floor(Number(k.slice(1)) / 1000) === c);
      expect(mine).toEqual(Array.from({ length: 40 }, (_, i) => `k${c * 1000 + i}`));
    }
    // Appends made in one synchronous run keep that order globally.
    expect(keys.slice(0, 40)).toEqual(Array.from({ length: 40 }, (_, i) => `k${i}`));
  });

  test('a full queue makes append wait instead of growing the queue', async () => {
    const commits: { records: number; bytes: number }[] = [];
    const wal = await open(SyncEveryWrite, {
      maxQueueRecords: 4,
      maxQueueBytes: 1 << 20,
      observer: {
        commitWritten: (records: number, bytes: number) => commits.push({ records, bytes }),
      },
    });
    const hang = fs.hang('datasync');
    const appends = Array.from({ length: 20 }, (_, i) => track(wal.append(setRecord(i))));
    await hang.reached;
    const stats = wal.stats();
    expect(stats.queuedRecords).toBeLessThanOrEqual(4);
    expect(stats.waitingAppends).toBe(16);
    expect(appends.some((a) => a.settled)).toBe(false);
    hang.release();
    await Promise.all(appends.map((a) => a.promise));
    expect(commits.every((c) => c.records <= 4)).toBe(true);
    expect(wal.stats()).toMatchObject({ queuedRecords: 0, waitingAppends: 0, appends: 20 });
  });

  test('a byte bound holds too', async () => {
    const record = setRecord(1, 'x'.repeat(1000));
    const commits: number[] = [];
    const wal = await open(SyncEveryWrite, {
      maxQueueBytes: 4096,
      observer: { commitWritten: (_records: number, bytes: number) => commits.push(bytes) },
    });
    await Promise.all(Array.from({ length: 50 }, () => wal.append(record)));
    expect(Math.max(...commits)).toBeLessThanOrEqual(4096);
    expect(wal.stats().appends).toBe(50);
  });

  test('an invalid record rejects that append only, and nothing is written', async () => {
    const wal = await open(SyncEveryWrite);
    const bad = wal.append({ type: 'batch', ops: [] });
    const good = wal.append(setRecord(1));
    await expect(bad).rejects.toMatchObject({ code: 'RECORD_BATCH_EMPTY' });
    await good;
    expect(wal.stats().appends).toBe(1);
  });
});

describe('onDurable', () => {
  test('runs in log order, each right before its append resolves', async () => {
    const wal = await open(SyncEveryWrite);
    const events: string[] = [];
    const appends = Array.from({ length: 20 }, (_, i) =>
      wal
        .append(setRecord(i), () => events.push(`durable ${i}`))
        .then(() => events.push(`resolved ${i}`)),
    );
    await Promise.all(appends);
    const durable = events.filter((e) => e.startsWith('durable'));
    expect(durable).toEqual(Array.from({ length: 20 }, (_, i) => `durable ${i}`));
    // Every callback of a batch runs before any of its promises' continuations.
    expect(events.indexOf('durable 0')).toBeLessThan(events.indexOf('resolved 0'));
  });

  test('a throwing callback rejects its own append only', async () => {
    const wal = await open(SyncEveryWrite);
    const boom = new Error('callback failed');
    const results = await Promise.allSettled([
      wal.append(setRecord(1)),
      wal.append(setRecord(2), () => {
        throw boom;
      }),
      wal.append(setRecord(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(boom);
    expect(wal.stats().poisoned).toBeNull();
  });
});
