import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openWal, SyncEverySecond, SyncEveryWrite } from '../src/index.js';
import { parseLogFileName } from '../src/layout.js';
import { FaultyFileSystem, setRecord } from '../src/testing/index.js';
import { replayKeys, tempDir } from './helpers/wal-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  await cleanup();
});

async function segments(): Promise<number[]> {
  const seqs: number[] = [];
  for (const name of await readdir(dir)) {
    const file = parseLogFileName(name);
    if (file?.kind === 'segment') seqs.push(file.seq);
  }
  return seqs.sort((a, b) => a - b);
}

test('segments rotate at segmentBytes and replay in order', async () => {
  const { wal } = await openWal({ dir, segmentBytes: 1024 });
  for (let i = 0; i < 200; i++) await wal.append(setRecord(i));
  await wal.close();
  const seqs = await segments();
  expect(seqs.length).toBeGreaterThan(5);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
  expect(await replayKeys(dir)).toEqual(Array.from({ length: 200 }, (_, i) => `k${i}`));
});

test('rotate() cuts at the call: earlier records below the returned segment, later ones from it', async () => {
  const { wal } = await openWal({ dir });
  const before = [wal.append(setRecord(1)), wal.append(setRecord(2))];
  const cut = wal.rotate();
  const after = wal.append(setRecord(3));
  await Promise.all([...before, after]);
  const seq = await cut;
  await wal.close();
  const positions = new Map<string, number>();
  const { wal: again } = await openWal({
    dir,
    onRecord: (r, p) => positions.set(r.type === 'set' ? r.key : '?', p.segment),
  });
  expect(positions.get('k1')).toBeLessThan(seq);
  expect(positions.get('k2')).toBeLessThan(seq);
  expect(positions.get('k3')).toBeGreaterThanOrEqual(seq);
  // Rotating an empty segment keeps it.
  const same = await again.rotate();
  expect(await again.rotate()).toBe(same);
  await again.close();
});

test.each([
  ['SyncEveryWrite', SyncEveryWrite],
  ['SyncEverySecond', SyncEverySecond],
])('under %s the old segment is fsynced before the next is created', async (_name, sync) => {
  const fs = new FaultyFileSystem();
  const { wal } = await openWal({ dir, fs, sync: sync === SyncEverySecond ? 60_000 : sync });
  for (let i = 0; i < 10; i++) await wal.append(setRecord(i));
  await wal.rotate();
  await wal.append(setRecord(10));
  await fs.crash();
  await wal.close().catch(() => {});
  const keys = await replayKeys(dir);
  expect(keys.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
});

test('a failed rotation poisons the log', async () => {
  const fs = new FaultyFileSystem();
  const { wal } = await openWal({ dir, fs });
  await wal.append(setRecord(1));
  fs.fail('writeExclusive', 'ENOSPC');
  await expect(wal.rotate()).rejects.toMatchObject({ code: 'WAL_WRITE_FAILED' });
  await expect(wal.append(setRecord(2))).rejects.toMatchObject({ code: 'WAL_POISONED' });
  await wal.close().catch(() => {});
  expect(await replayKeys(dir)).toEqual(['k1']);
});

test('reopening appends to the last segment, and starts a new one when it is full', async () => {
  const { wal } = await openWal({ dir, segmentBytes: 4096 });
  await wal.append(setRecord(1));
  await wal.close();
  const { wal: again } = await openWal({ dir, segmentBytes: 4096 });
  await again.append(setRecord(2));
  await again.close();
  expect(await segments()).toHaveLength(1);
  const { wal: small } = await openWal({ dir, segmentBytes: 20 });
  await small.append(setRecord(3));
  await small.close();
  // Full at open: a new segment; full again after the append: rotated eagerly.
  expect(await segments()).toHaveLength(3);
  expect(await replayKeys(dir)).toEqual(['k1', 'k2', 'k3']);
});
