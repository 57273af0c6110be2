import { join } from 'node:path';
import { WalPathError } from '../errors.js';
import { directoryError } from '../fs/dir-errors.js';
import { isIgnoredName, parseLogFileName } from '../layout.js';
import type { FileSystem } from '../types.js';

/** The log files of a directory, sorted, and the leftovers an interrupted snapshot install left. */
export interface LogDirListing {
  /** The newest snapshot's seq, or null. */
  readonly snapshotSeq: number | null;
  /** Segments numbered at or above the newest snapshot, in log order. */
  readonly segments: readonly number[];
  /** File names to remove: `*.snap.tmp`, older snapshots, segments the snapshot replaced. */
  readonly obsolete: readonly string[];
}

/**
 * Lists and classifies a log directory by file name.
 * @throws WalPathError `WAL_FOREIGN_FILE` for a name that is neither a log file nor one of the
 *   documented names it ignores (see `isIgnoredName`); `WAL_BAD_DIRECTORY` if `dir` is not a
 *   readable directory.
 */
export async function listLogDir(fs: FileSystem, dir: string): Promise<LogDirListing> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    throw directoryError(dir, error, 'read');
  }
  const foreign = names.filter((n) => parseLogFileName(n) === undefined && !isIgnoredName(n));
  if (foreign.length > 0) throw foreignFileError(dir, foreign.sort());
  const segments: { seq: number; name: string }[] = [];
  const snapshots: { seq: number; name: string }[] = [];
  const obsolete: string[] = [];
  for (const name of names) {
    const file = parseLogFileName(name);
    if (file === undefined) continue;
    if (file.kind === 'segment') segments.push(file);
    else if (file.kind === 'snapshot') snapshots.push(file);
    else obsolete.push(name);
  }
  snapshots.sort((a, b) => a.seq - b.seq);
  segments.sort((a, b) => a.seq - b.seq);
  const newest = snapshots.at(-1);
  const snapshotSeq = newest === undefined ? null : newest.seq;
  for (const snap of snapshots) if (snap !== newest) obsolete.push(snap.name);
  const live: number[] = [];
  for (const seg of segments) {
    if (snapshotSeq !== null && seg.seq < snapshotSeq) obsolete.push(seg.name);
    else live.push(seg.seq);
  }
  obsolete.sort();
  return { snapshotSeq, segments: live, obsolete };
}

function foreignFileError(dir: string, names: readonly string[]): WalPathError {
  const path = join(dir, names[0]!);
  const more =
    names.length > 1
      ? ` (and ${names.length - 1} more: ${names.slice(1, 4).join(', ')}${names.length > 4 ? ', ...' : ''})`
      : '';
  return new WalPathError(
    'WAL_FOREIGN_FILE',
    path,
    `The log directory ${dir} holds ${path}${more}, which the log did not write: its files are ` +
      '<16 hex digits>.wal, <16 hex digits>.snap, LOCK and *.broken (see FORMAT-DIR.md). It is ' +
      'not opened beside a file it does not know, so that nothing is taken in or overlooked by ' +
      "mistake. Move the file out of the directory. If it is a log in the seed's format, " +
      'import it into a new directory with `hermes-wal import <file> <dir>`.',
  );
}
