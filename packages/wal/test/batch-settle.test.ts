import { expect, test } from 'vitest';
import { SyncEverySecond, type Wal, type WalError } from '../src/index.js';
import type { FaultyFileSystem } from '../src/testing/index.js';
import { replayKeys, settleTurns, track, useFaultyWal } from './helpers/wal-fixtures.js';

// A burst of appends split into several batches (maxCommitBytes): each batch settles on its own
// write, so a stuck or failed later write neither holds back nor fails an earlier batch, and no
// append resolves before the write that carries it returned.

let dir: string;
let fs: FaultyFileSystem;
const openWith = useFaultyWal((d, f) => {
  dir = d;
  fs = f;
});

async function open(): Promise<Wal> {
  return openWith({ sync: SyncEverySecond, maxCommitBytes: 16 * 1024 });
}

/** 300 appends of about 170 bytes, all in one synchronous burst. */
function burst(wal: Wal): ReturnType<typeof track<void>>[] {
  return Array.from({ length: 300 }, (_, i) =>
    track(wal.append({ type: 'set', key: `k${i}`, value: Buffer.alloc(100, i) })),
  );
}

const settledCount = (appends: { settled: boolean }[]): number =>
  appends.filter((a) => a.settled).length;

test('a written batch settles while the next write hangs; the hung one waits', async () => {
  const wal = await open();
  const hang = fs.hang('write', { nth: 2 });
  const appends = burst(wal);
  await hang.reached;
  await settleTurns();
  const first = settledCount(appends);
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThan(appends.length);
  // Exactly a prefix resolved: the records of the first write.
  expect(appends.slice(0, first).every((a) => a.settled)).toBe(true);
  hang.release();
  await Promise.all(appends.map((a) => a.promise));
});

test('when the next write fails, the batch written before it still resolves and replays', async () => {
  const wal = await open();
  const failing = fs.fail('write', 'EIO', { nth: 2 });
  const appends = burst(wal);
  const outcomes = await Promise.allSettled(appends.map((a) => a.promise));
  await failing.reached;
  const resolved = outcomes.findIndex((o) => o.status === 'rejected');
  expect(resolved).toBeGreaterThan(0);
  expect(outcomes.slice(0, resolved).every((o) => o.status === 'fulfilled')).toBe(true);
  const codes = new Set(
    outcomes.slice(resolved).map((o) => ((o as PromiseRejectedResult).reason as WalError).code),
  );
  expect([...codes].every((c) => c === 'WAL_WRITE_FAILED' || c === 'WAL_POISONED')).toBe(true);
  expect(codes.has('WAL_WRITE_FAILED')).toBe(true);
  await wal.close().catch(() => {});
  expect(await replayKeys(dir)).toEqual(appends.slice(0, resolved).map((_, i) => `k${i}`));
});
