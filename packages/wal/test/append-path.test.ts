import { afterEach, beforeEach, expect, test } from 'vitest';
import { type LogRecord, openWal, SyncEverySecond, SyncEveryWrite } from '../src/index.js';
import { FaultyFileSystem } from '../src/testing/index.js';
import { CHUNK_BYTES } from '../src/write/arena.js';
import { tempDir } from './helpers/wal-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  await cleanup();
});

/** Record `i`: mostly small sets, with deletes, batches, escaped keys and lines past the arena's. */
function recordOf(i: number): LogRecord {
  if (i % 97 === 0)
    return { type: 'set', key: `big/${i}`, value: Buffer.alloc(CHUNK_BYTES / 2, i) };
  if (i % 13 === 0) return { type: 'delete', key: `k/${i}` };
  if (i % 17 === 0) {
    return {
      type: 'batch',
      ops: [
        { type: 'set', key: `b/${i}/1`, value: Buffer.from(`one ${i}`) },
        { type: 'delete', key: `b/${i}/2` },
      ],
    };
  }
  const key = i % 11 === 0 ? `clé ${i} ✓` : `k/${i}`;
  return { type: 'set', key, value: Buffer.alloc(20 + ((i * 37) % 400), i & 255) };
}

const show = (r: LogRecord): string =>
  r.type === 'batch'
    ? `batch(${r.ops.map(show).join(',')})`
    : r.type === 'delete'
      ? `del ${r.key}`
      : r.type === 'clear'
        ? `clear ${JSON.stringify(r)}`
        : `set ${r.key} ${Buffer.from(r.value).toString('base64')}`;

for (const [name, sync] of [
  ['SyncEveryWrite', SyncEveryWrite],
  ['SyncEverySecond', SyncEverySecond],
] as const) {
  test(`${name}: concurrent appends of every shape, split by small batch and queue limits, replay byte for byte in order`, async () => {
    const fs = new FaultyFileSystem();
    const { wal } = await openWal({
      dir,
      fs,
      sync,
      maxCommitBytes: 64 * 1024,
      maxQueueRecords: 300,
      maxQueueBytes: 3 * CHUNK_BYTES,
      segmentBytes: 4 * CHUNK_BYTES,
    });
    const total = 4000;
    const appenders = 400; // more than maxQueueRecords: some wait in line
    const order: number[] = [];
    let next = 0;
    let mostWaiting = 0;
    await Promise.all(
      Array.from({ length: appenders }, async () => {
        while (next < total) {
          const i = next++;
          const appended = wal.append(recordOf(i), () => order.push(i));
          mostWaiting = Math.max(mostWaiting, wal.stats().waitingAppends);
          await appended;
          if (i === total / 2) await wal.rotate();
        }
      }),
    );
    await wal.close();
    const replayed: string[] = [];
    const { wal: again, report } = await openWal({
      dir,
      recovery: 'strict',
      onRecord: (record) => replayed.push(show(record)),
    });
    await again.close();
    expect(mostWaiting).toBeGreaterThan(0);
    expect(report.records).toBe(total);
    expect(order).toHaveLength(total);
    // The file holds the records in the order onDurable reported, each exactly as appended.
    expect(replayed).toEqual(order.map((i) => show(recordOf(i))));
  });
}
