import { parseLogFileName } from '../layout.js';
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

/** Lists and classifies a log directory by file name. Other files are ignored. */
export async function listLogDir(fs: FileSystem, dir: string): Promise<LogDirListing> {
  const names = await fs.readdir(dir);
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
