import { join as joinPath } from 'node:path';
import type { LogFormat, LogRecord, RecordLimits } from '@hermes/record';
import { segmentName, snapshotName } from '../layout.js';
import type {
  FileSystem,
  LogPosition,
  OpenReport,
  RecoveryMode,
  ReplayProgress,
} from '../types.js';
import { type Damage, missingSegmentsError } from './damage.js';
import { findGaps } from './gaps.js';
import { listLogDir } from './list-dir.js';
import { ProgressMeter } from './progress.js';
import { cutTail, nextBrokenName } from './repair.js';
import { replayFile } from './replay-file.js';
import { REPLAY_READ_BYTES } from './segment-reader.js';

export type { Damage } from './damage.js';

/** Options of `recoverLog`. */
export interface RecoverOptions {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly recovery: RecoveryMode;
  readonly limits: RecordLimits;
  readonly onRecord?: (record: LogRecord, position: LogPosition) => void;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Report damage and what repair would do, but change no file (for `verify`). @default false */
  readonly readOnly?: boolean;
}

/** What `recoverLog` found and did. */
export interface RecoveredLog {
  readonly report: OpenReport;
  /** The last segment after repair, which W may keep appending to (if v1, not full, undamaged). */
  readonly lastSegment: {
    readonly seq: number;
    readonly size: number;
    readonly format: LogFormat;
    /** Ends in damage `salvage` left in place: appending after it would glue a record to it. */
    readonly endsDamaged: boolean;
  } | null;
  /** The newest snapshot's seq, or null. */
  readonly snapshotSeq: number | null;
  /** Segment seqs that remain, in order. */
  readonly segments: readonly number[];
  /** Every damaged span found (torn tail and skipped records), in log order; at most 1000. */
  readonly damage: readonly Damage[];
  /**
   * Leftovers of an interrupted snapshot install (file names). Removed, unless `readOnly`, or
   * `salvage` skipped damage (then kept: they may help rescue data the snapshot lost).
   */
  readonly obsolete: readonly string[];
}

const MAX_DAMAGE_LISTED = 1000;

/**
 * Replays a log directory (the newest snapshot, then the segments in order) and repairs a torn
 * tail under the recovery mode: the cut bytes go to `<segment>.broken` (fsynced) and the
 * truncation is fsynced before this resolves. Then removes leftovers of an interrupted snapshot
 * install and fsyncs the directory. The caller holds the directory lock.
 * @throws WalCorruptError (`WAL_CORRUPT`) for damage the mode may not repair; I/O errors as is.
 */
export async function recoverLog(options: RecoverOptions): Promise<RecoveredLog> {
  const { fs, dir, recovery, limits, onRecord, readOnly = false } = options;
  const started = performance.now();
  const listing = await listLogDir(fs, dir);
  const { snapshotSeq, segments } = listing;
  const join = (name: string): string => joinPath(dir, name);

  const files: { seq: number; path: string; kind: 'snapshot' | 'segment'; size: number }[] = [];
  if (snapshotSeq !== null) {
    const path = join(snapshotName(snapshotSeq));
    files.push({ seq: snapshotSeq, path, kind: 'snapshot', size: (await fs.size(path)) ?? 0 });
  }
  for (const seq of segments) {
    const path = join(segmentName(seq));
    files.push({ seq, path, kind: 'segment', size: (await fs.size(path)) ?? 0 });
  }
  const meter = new ProgressMeter(
    files.reduce((sum, f) => sum + f.size, 0),
    options.onProgress,
  );
  const buffer = new Uint8Array(REPLAY_READ_BYTES);
  const damage: Damage[] = [];
  const note = (d: Damage): void => {
    if (damage.length < MAX_DAMAGE_LISTED) damage.push(d);
  };

  let records = 0;
  let skipped = 0;
  let legacy = false;
  let tornTail: OpenReport['tornTail'] = null;
  let lastSegment: RecoveredLog['lastSegment'] = null;
  const lastSeq = segments.at(-1);

  for (const gap of findGaps(snapshotSeq, segments)) {
    const error = missingSegmentsError(dir, gap.from, gap.to, snapshotSeq);
    if (recovery !== 'salvage') throw error;
    note({
      file: error.file,
      offset: 0,
      length: 0,
      reason: error.reason,
      message: error.message,
      kind: 'skipped',
    });
    skipped += gap.to - gap.from + 1;
  }

  for (const file of files) {
    const isLast = file.kind === 'segment' && file.seq === lastSeq;
    const outcome = await replayFile({
      fs,
      path: file.path,
      limits,
      buffer,
      recovery,
      tailMayBeTorn: isLast,
      // The documented migration puts a seed log at the start of a log without a snapshot.
      legacyAllowed: file.kind === 'segment' && snapshotSeq === null && file.seq === segments[0],
      position: file.seq,
      onRecord,
      onBytes: (n) => meter.add(n),
      onDamage: note,
    });
    records += outcome.records;
    skipped += outcome.skipped;
    if (file.kind === 'segment' && outcome.format === 'legacy') legacy = true;
    let size = outcome.size;
    if (outcome.tail !== null) {
      tornTail = await cut(file.path, outcome.tail.offset, outcome.size);
      size = outcome.tail.offset;
    }
    if (isLast) {
      lastSegment = {
        seq: file.seq,
        size,
        format: outcome.format ?? 'v2',
        endsDamaged: outcome.endsDamaged,
      };
    }
  }
  meter.finish();

  // Leftovers are redundant only if the snapshot that replaces them is sound: after `salvage`
  // skipped damage, keep them for a person to rescue data from.
  const tidied = !readOnly && skipped === 0 ? listing.obsolete : [];
  if (tidied.length > 0) {
    for (const name of tidied) await fs.unlink(join(name));
    await fs.syncDir(dir);
  }

  return {
    report: {
      records,
      bytes: meter.done,
      segments: segments.length,
      fromSnapshot: snapshotSeq !== null,
      durationMs: performance.now() - started,
      tornTail,
      skipped,
      legacy,
    },
    lastSegment,
    snapshotSeq,
    segments,
    damage,
    obsolete: listing.obsolete,
  };

  async function cut(path: string, offset: number, size: number): Promise<OpenReport['tornTail']> {
    if (readOnly) {
      return {
        file: path,
        offset,
        bytes: size - offset,
        brokenFile: await nextBrokenName(fs, path),
      };
    }
    const done = await cutTail(fs, dir, path, offset, size);
    return { file: path, offset, bytes: done.bytes, brokenFile: done.brokenFile };
  }
}
