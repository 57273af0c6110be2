/**
 * The names of the files in a log directory.
 *
 * - `<seq>.wal`: segment number `seq` (16 hex digits, so names sort in log order).
 * - `<seq>.snap`: a snapshot that replaces every segment numbered below `seq`.
 * - `<seq>.snap.tmp`: a snapshot being written; ignored and removed on open.
 * - `<name>.broken`: bytes cut from a torn tail, kept for inspection.
 * - `<name>.salvaged`: damaged spans `hermes-wal salvage` dropped from a file, kept for inspection.
 * - `.<name>.salvage.tmp`: a file `hermes-wal salvage` is rewriting; ignored, replaced on its next run.
 * - `LOCK`: who holds the directory; `LOCK.takeover` while a stale one is removed.
 * - Names starting with `.` and `lost+found`: not the log's, ignored (editors, OS metadata, NFS).
 *
 * Any other name makes opening fail with `WAL_FOREIGN_FILE`.
 */

/** File name of the directory lock. */
export const LOCK_FILE = 'LOCK';

const SEQ_DIGITS = 16;
const SEGMENT_RE = /^([0-9a-f]{16})\.wal$/;
const SNAPSHOT_RE = /^([0-9a-f]{16})\.snap$/;
const SNAPSHOT_TMP_RE = /^([0-9a-f]{16})\.snap\.tmp$/;

function seqName(seq: number): string {
  return seq.toString(16).padStart(SEQ_DIGITS, '0');
}

/** File name of segment `seq`. */
export function segmentName(seq: number): string {
  return `${seqName(seq)}.wal`;
}

/** File name of the snapshot that replaces the segments below `seq`. */
export function snapshotName(seq: number): string {
  return `${seqName(seq)}.snap`;
}

/** File name of a snapshot still being written. */
export function snapshotTempName(seq: number): string {
  return `${seqName(seq)}.snap.tmp`;
}

/** What a file in a log directory is, by its name. */
export type LogFile =
  | { readonly kind: 'segment'; readonly seq: number; readonly name: string }
  | { readonly kind: 'snapshot'; readonly seq: number; readonly name: string }
  | { readonly kind: 'snapshot-tmp'; readonly seq: number; readonly name: string };

/** Classifies a directory entry; `undefined` for files that are not part of the log. */
export function parseLogFileName(name: string): LogFile | undefined {
  let m = SEGMENT_RE.exec(name);
  if (m) return { kind: 'segment', seq: Number.parseInt(m[1]!, 16), name };
  m = SNAPSHOT_RE.exec(name);
  if (m) return { kind: 'snapshot', seq: Number.parseInt(m[1]!, 16), name };
  m = SNAPSHOT_TMP_RE.exec(name);
  if (m) return { kind: 'snapshot-tmp', seq: Number.parseInt(m[1]!, 16), name };
  return undefined;
}

const BROKEN_RE = /\.broken(\.[0-9]+)?$/;
const SALVAGED_RE = /\.salvaged(\.[0-9]+)?$/;

/**
 * Whether `name` is a documented name the log keeps beside its files and never reads: `LOCK`,
 * `LOCK.takeover`, `<file>.broken[.<n>]`, `<file>.salvaged[.<n>]`, a name starting with `.`, or
 * `lost+found`.
 */
export function isIgnoredName(name: string): boolean {
  return (
    name === LOCK_FILE ||
    name === `${LOCK_FILE}.takeover` ||
    name === 'lost+found' ||
    name.startsWith('.') ||
    BROKEN_RE.test(name) ||
    SALVAGED_RE.test(name)
  );
}
