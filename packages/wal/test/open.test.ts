import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openWal, segmentName, type WalOptions } from '../src/index.js';
import { setRecord } from '../src/testing/index.js';
import { tempDir } from './helpers/wal-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  await cleanup();
});

test.each<[string, Partial<WalOptions>]>([
  ['a negative sync', { sync: -1 }],
  ['a NaN sync', { sync: Number.NaN }],
  ['a fractional segment size', { segmentBytes: 1.5 }],
  ['a segment smaller than its header', { segmentBytes: 2 }],
  ['a zero batch cap', { maxCommitBytes: 0 }],
  ['a zero queue', { maxQueueRecords: 0 }],
  ['an unknown recovery mode', { recovery: 'yolo' as never }],
  ['a negative close timeout', { closeTimeoutMs: -5 }],
])('%s is refused with WAL_INVALID_OPTIONS', async (_name, options) => {
  await expect(openWal({ dir, ...options })).rejects.toMatchObject({ code: 'WAL_INVALID_OPTIONS' });
});

test('a new directory gets a first segment with its header, durably', async () => {
  const { wal, report } = await openWal({ dir });
  expect(report).toMatchObject({ records: 0, segments: 0, tornTail: null });
  expect((await readdir(dir)).sort()).toEqual([segmentName(1), 'LOCK']);
  await wal.close();
  expect(await readdir(dir)).toEqual([segmentName(1)]);
});

test('stats count appends, batches, fsyncs and bytes', async () => {
  const { wal } = await openWal({ dir });
  const empty = wal.stats().logBytes;
  expect(empty).toBeGreaterThan(0);
  await wal.append(setRecord(1));
  await Promise.all([wal.append(setRecord(2)), wal.append(setRecord(3))]);
  const stats = wal.stats();
  expect(stats).toMatchObject({
    appends: 3,
    commits: 2,
    fsyncs: 2,
    queuedRecords: 0,
    poisoned: null,
    closed: false,
  });
  expect(stats.logBytes).toBeGreaterThan(empty);
  await wal.close();
  const { wal: again, report } = await openWal({ dir });
  expect(again.stats().logBytes).toBe(report.bytes);
  await again.close();
});
