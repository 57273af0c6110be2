import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRecord, FILE_HEADER, type LogRecord, resolveLimits } from '@hermes/record';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { nodeFileSystem } from '../../src/fs/node-fs.js';
import { segmentName, snapshotName } from '../../src/layout.js';
import { type RecoveredLog, type RecoverOptions, recoverLog } from '../../src/read/recover.js';
import { TempDirs } from '../../src/testing/index.js';
import type { LogPosition } from '../../src/types.js';

/** A fresh temporary directory; remove it with {@link removeDir}. */
export function makeTempDir(prefix = 'hermes-wal-'): Promise<string> {
  return new TempDirs().make(prefix);
}

/** Removes a temporary directory and everything in it. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Gives each test (or, with `scope` `'file'`, the whole file) a fresh temporary directory: `set`
 * receives it before the test runs, and it is removed afterwards.
 * @default scope 'test'
 */
export function useTempDir(set: (dir: string) => void, scope: 'test' | 'file' = 'test'): void {
  let dir: string | undefined;
  (scope === 'test' ? beforeEach : beforeAll)(async () => {
    dir = await makeTempDir();
    set(dir);
  });
  (scope === 'test' ? afterEach : afterAll)(async () => {
    if (dir !== undefined) await removeDir(dir);
  });
}

/** The bytes of a file holding `records` (in the format written now, v2), and each record's line offset. */
export function encodeFile(
  records: readonly LogRecord[],
  header = true,
): { bytes: Buffer; offsets: number[]; lengths: number[] } {
  const parts: Buffer[] = header ? [FILE_HEADER] : [];
  let offset = header ? FILE_HEADER.length : 0;
  const offsets: number[] = [];
  const lengths: number[] = [];
  for (const record of records) {
    const line = encodeRecord(record);
    offsets.push(offset);
    lengths.push(line.length);
    parts.push(line);
    offset += line.length;
  }
  return { bytes: Buffer.concat(parts), offsets, lengths };
}

/** Writes segment `seq` holding `records` (v2, with its header); returns its path and offsets. */
export async function writeSegment(
  dir: string,
  seq: number,
  records: readonly LogRecord[],
): Promise<{ path: string; offsets: number[]; lengths: number[]; size: number }> {
  const { bytes, offsets, lengths } = encodeFile(records);
  const path = join(dir, segmentName(seq));
  await writeFile(path, bytes);
  return { path, offsets, lengths, size: bytes.length };
}

/** Writes the snapshot that replaces segments below `seq`. */
export async function writeSnapshot(
  dir: string,
  seq: number,
  records: readonly LogRecord[],
): Promise<string> {
  const path = join(dir, snapshotName(seq));
  await writeFile(path, encodeFile(records).bytes);
  return path;
}

/** What {@link replay} saw. */
export interface Replayed extends RecoveredLog {
  readonly records: LogRecord[];
  readonly positions: LogPosition[];
}

/** Runs `recoverLog` on `dir` with the real file system, collecting every record. */
export async function replay(
  dir: string,
  options: Partial<Omit<RecoverOptions, 'dir' | 'onRecord'>> = {},
): Promise<Replayed> {
  const records: LogRecord[] = [];
  const positions: LogPosition[] = [];
  const recovered = await recoverLog({
    fs: nodeFileSystem,
    recovery: 'tolerate-tail',
    limits: resolveLimits(),
    ...options,
    dir,
    onRecord: (record, position) => {
      records.push(record);
      positions.push(position);
    },
  });
  return { ...recovered, records, positions };
}

/** The sorted names in `dir`. */
export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A record in a form `toEqual` compares exactly (values as hex). */
export function plain(record: LogRecord): unknown {
  const op = (o: { type: string; key: string; value?: Uint8Array }): unknown =>
    o.value === undefined
      ? { type: o.type, key: o.key }
      : { type: o.type, key: o.key, value: Buffer.from(o.value).toString('hex') };
  if (record.type === 'clear') return { ...record };
  return record.type === 'batch' ? { type: 'batch', ops: record.ops.map(op) } : op(record);
}
