import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import {
  type ClearRecord,
  type LogRecord,
  openWal,
  type Wal,
  type WalOptions,
} from '../../src/index.js';
import { FaultyFileSystem, TempDirs } from '../../src/testing/index.js';

/** A log directory not yet created, in a fresh temporary folder; `cleanup` removes the folder. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dirs = new TempDirs();
  const root = await dirs.make('hermes-wal-');
  return { dir: join(root, 'log'), cleanup: () => dirs.cleanup() };
}

/**
 * Per test: a fresh log directory and a fresh {@link FaultyFileSystem}, handed to `set` before
 * the test runs. Returns an opener of wals there through that file system (its counts reset once
 * a wal is open); every wal it opened is closed, and the directory removed, after the test.
 */
export function useFaultyWal(
  set: (dir: string, fs: FaultyFileSystem) => void,
): (options?: Omit<WalOptions, 'dir' | 'fs'>) => Promise<Wal> {
  let dir = '';
  let fs = new FaultyFileSystem();
  let cleanup: () => Promise<void> = async () => {};
  const opened: Wal[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    fs = new FaultyFileSystem();
    set(dir, fs);
  });
  afterEach(async () => {
    for (const wal of opened.splice(0)) await wal.close().catch(() => {});
    await cleanup();
  });
  return async (options = {}) => {
    const { wal } = await openWal({ ...options, dir, fs });
    opened.push(wal);
    fs.resetCounts();
    return wal;
  };
}

/** Opens the log read-only-ish with the real file system, collects every replayed key, closes it. */
export async function replayKeys(
  dir: string,
  options: Partial<WalOptions> = {},
): Promise<string[]> {
  const keys: string[] = [];
  const { wal } = await openWal({
    ...options,
    dir,
    onRecord: (record) => {
      if (record.type === 'batch') for (const op of record.ops) keys.push(op.key);
      else if (record.type !== 'clear') keys.push(record.key);
    },
  });
  await wal.close();
  return keys;
}

/** Replays the log into a map (applying sets, deletes, batches and clears of every key), then closes it. */
export async function replayState(dir: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  const apply = (op: LogRecord): void => {
    if (op.type === 'set') state.set(op.key, Buffer.from(op.value).toString());
    else if (op.type === 'delete') state.delete(op.key);
    else if (op.type === 'clear') {
      for (const key of [...state.keys()]) if (inClear(op, key)) state.delete(key);
    } else for (const inner of op.ops) apply(inner);
  };
  const { wal } = await openWal({ dir, onRecord: apply });
  await wal.close();
  return state;
}

/** Whether `key` lies within the bounds of `clear` (keys compared by their UTF-8 bytes). */
export function inClear(clear: ClearRecord, key: string): boolean {
  const c = (bound: string): number => Buffer.compare(Buffer.from(key), Buffer.from(bound));
  return (
    (clear.gt === undefined || c(clear.gt) > 0) &&
    (clear.gte === undefined || c(clear.gte) >= 0) &&
    (clear.lt === undefined || c(clear.lt) < 0) &&
    (clear.lte === undefined || c(clear.lte) <= 0)
  );
}

/** Lets pending callbacks run (I/O callbacks, microtasks): used only to show something did NOT happen. */
export async function settleTurns(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise settled, without letting an expected rejection go unhandled. */
export function track<T>(promise: Promise<T>): {
  readonly settled: boolean;
  readonly promise: Promise<T>;
} {
  const state = { settled: false, promise };
  promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}
