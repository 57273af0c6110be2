import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type RecordLimits, resolveLimits } from '@hermes/record';
import { WalError } from './errors.js';
import { makeLogDir } from './fs/make-dir.js';
import { nodeFileSystem } from './fs/node-fs.js';
import { snapshotName, snapshotTempName } from './layout.js';
import type { FileSystem, SnapshotWriter } from './types.js';
import { createSegment } from './write/segment-file.js';
import { writeSnapshot } from './write/snapshot.js';

/** The sequence number of a backup's snapshot and of its one, empty, segment. */
const BACKUP_SEQ = 1;

/** Options of {@link writeBackup}. */
export interface BackupOptions {
  /** The directory to create; it must not exist, or be an empty directory. */
  readonly target: string;
  /** Writes the backup's records (the whole state, as `set` records), as a snapshot's `write`. */
  readonly fill: (writer: SnapshotWriter) => Promise<void>;
  /** Codec limits; open the backup with the same. @default DEFAULT_LIMITS of @hermes/record */
  readonly limits?: Partial<RecordLimits>;
  /**
   * The log directory being copied, if any: a `target` inside it (or equal to it) is refused,
   * as the log would then hold a directory it does not know and refuse to open.
   */
  readonly source?: string;
  /** @default nodeFileSystem */
  readonly fs?: FileSystem;
}

/** What {@link writeBackup} wrote. */
export interface BackupFiles {
  /** The backup directory, resolved to an absolute path. */
  readonly target: string;
  /** Bytes written: the snapshot and the empty segment's header. */
  readonly bytes: number;
}

/**
 * Writes a log directory at `target` that opens (with `openWal` or `openDurableStore`) to exactly
 * what `fill` writes: a snapshot `0000000000000001.snap` and an empty first segment. Everything
 * is written to a hidden directory beside `target` (`.<name>.<random>.backup-tmp`), each file and
 * the directory fsynced, then renamed to `target` and the parent fsynced: a crash leaves either no
 * `target` or a whole one. On failure the files written are removed (an empty hidden directory
 * may remain; after a crash, a partial one: neither is ever taken for the backup).
 * @throws WalError `WAL_BACKUP_TARGET_EXISTS` if `target` exists and is not an empty directory
 * (checked first, and again by the rename, which never replaces a non-empty directory);
 * `WAL_INVALID_OPTIONS` if `target` is inside `source`.
 */
export async function writeBackup(options: BackupOptions): Promise<BackupFiles> {
  const fs = options.fs ?? nodeFileSystem;
  const limits = resolveLimits(options.limits);
  const target = resolve(options.target);
  const parent = dirname(target);
  if (options.source !== undefined) refuseInside(resolve(options.source), target);
  await refuseExisting(fs, target);
  await makeLogDir(fs, parent);
  const tmp = join(parent, `.${basename(target)}.${randomBytes(6).toString('hex')}.backup-tmp`);
  await fs.mkdir(tmp);
  try {
    const snapshotBytes = await writeSnapshot({ fs, dir: tmp, limits }, BACKUP_SEQ, options.fill);
    await fs.rename(join(tmp, snapshotTempName(BACKUP_SEQ)), join(tmp, snapshotName(BACKUP_SEQ)));
    // Creates the segment, fsyncs it and then the directory (which holds the snapshot's rename).
    const segment = await createSegment(fs, tmp, BACKUP_SEQ);
    const segmentBytes = segment.size;
    await segment.close();
    try {
      await fs.rename(tmp, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw existsError(target, error);
      throw error;
    }
    await fs.syncDir(parent);
    return { target, bytes: snapshotBytes + segmentBytes };
  } catch (error) {
    await removeFiles(fs, tmp);
    throw error;
  }
}

/** Throws `WAL_INVALID_OPTIONS` if `target` is `source` or inside it. */
function refuseInside(source: string, target: string): void {
  const path = relative(source, target);
  if (path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) return;
  throw new WalError(
    'WAL_INVALID_OPTIONS',
    `The backup target ${target} is inside the log directory ${source} it copies: the log would ` +
      'then hold a directory it does not know and refuse to open. Put backups in another folder.',
  );
}

/** Throws `WAL_BACKUP_TARGET_EXISTS` unless `target` is missing or an empty directory. */
async function refuseExisting(fs: FileSystem, target: string): Promise<void> {
  if ((await fs.size(target)) === undefined) return;
  let names: string[];
  try {
    names = await fs.readdir(target);
  } catch (error) {
    throw existsError(target, error);
  }
  if (names.length > 0) throw existsError(target);
}

/** Removes what a failed backup wrote in `tmp` (best effort: the port has no `rmdir`). */
async function removeFiles(fs: FileSystem, tmp: string): Promise<void> {
  try {
    for (const name of await fs.readdir(tmp)) await fs.unlink(join(tmp, name));
  } catch {
    // Left behind under a hidden name: never taken for a backup, removable at will.
  }
}

function existsError(target: string, cause?: unknown): WalError {
  return new WalError(
    'WAL_BACKUP_TARGET_EXISTS',
    `The backup target ${target} exists and is not an empty directory: a backup never ` +
      'overwrites anything. Choose a new target, or remove the old one first.',
    cause === undefined ? undefined : { cause },
  );
}
