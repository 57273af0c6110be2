import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openWal, SyncEverySecond, SyncEveryWrite } from '../src/index.js';
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

describe.each([
  ['SyncEveryWrite', SyncEveryWrite],
  ['SyncEverySecond', SyncEverySecond],
])('close under %s', (_name, sync) => {
  test('drains the queue, fsyncs and releases the lock', async () => {
    const fs = new FaultyFileSystem();
    const { wal } = await openWal({ dir, fs, sync, maxQueueRecords: 64 });
    fs.resetCounts();
    const appends = Array.from({ length: 500 }, (_, i) => wal.append(setRecord(i)));
    const closing = wal.close();
    await expect(wal.append(setRecord(999))).rejects.toMatchObject({ code: 'WAL_CLOSED' });
    await closing;
    await Promise.all(appends);
    expect(fs.counts.datasync).toBeGreaterThanOrEqual(1);
    expect(fs.counts.close).toBe(1);
    expect(wal.stats()).toMatchObject({ closed: true, appends: 500, fsyncLagMs: 0 });
    // Power loss right after close loses nothing.
    await fs.crash();
    const keys = await replayKeys(dir);
    expect(keys).toEqual(Array.from({ length: 500 }, (_, i) => `k${i}`));
  });

  test('every call returns the same promise', async () => {
    const { wal } = await openWal({ dir, sync });
    const a = wal.close();
    const b = wal.close();
    expect(a).toBe(b);
    await a;
    expect(wal.close()).toBe(a);
    await expect(wal.sync()).rejects.toMatchObject({ code: 'WAL_CLOSED' });
    await expect(wal.rotate()).rejects.toMatchObject({ code: 'WAL_CLOSED' });
  });

  test('a hung fsync makes close reject with WAL_CLOSE_TIMEOUT by its timeout', async () => {
    const fs = new FaultyFileSystem();
    const { wal } = await openWal({ dir, fs, sync, closeTimeoutMs: 150 });
    await wal.append(setRecord(1));
    const hang = fs.hang('datasync');
    const late = wal.append(setRecord(2));
    late.catch(() => {});
    const started = performance.now();
    const error = await wal.close().catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'WAL_CLOSE_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(5000);
    expect(hang.fired).toBe(true);
    // Whoever waited gets an answer too, even an append whose fsync is stuck.
    if (sync === SyncEveryWrite)
      await expect(late).rejects.toMatchObject({ code: 'WAL_CLOSE_TIMEOUT' });
    else await late;
    // Once the stuck call returns, the files close and the lock is released: the log opens again.
    const unlocked = fs.settled('unlink', { path: /LOCK$/ });
    hang.release();
    await unlocked;
    const reopened = await openWal({ dir });
    await reopened.wal.close();
  });
});

test('after WAL_CLOSE_TIMEOUT nothing keeps the process alive', async () => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const child = spawn(
    process.execPath,
    [
      '--conditions=@hermes/source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./fixtures/close-timeout-child.ts', import.meta.url)),
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  // The child exits by itself: no ref'd timer or handle is left behind by the stuck close.
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(out.trim()).toBe('WAL_CLOSE_TIMEOUT');
  expect(code).toBe(0);
});
