import type { DecodeFailure, LogFormat, LogRecord, RecordLimits } from '@hermes/record';
import { scanFile } from '../segment-reader.js';
import type { FileSystem, LogPosition, RecoveryMode } from '../types.js';
import { corruptError, type Damage, toDamage } from './damage.js';

/**
 * Failures a torn write cannot produce, with why: the writer never writes a line over its limits,
 * and writes and fsyncs the header on its own before any record (a torn header has no newline).
 */
const NEVER_TORN: Partial<Record<string, string>> = {
  'too-large':
    'a complete line over the limits is not a torn write; if the log was written with larger ' +
    'limits, open it with those',
  'bad-header':
    'a complete first line that is not a known header is not a torn write; the file may be in a ' +
    'newer format than this version reads',
};

/** Options of {@link replayFile}. */
export interface ReplayFileOptions {
  readonly fs: FileSystem;
  readonly path: string;
  readonly limits: RecordLimits;
  readonly buffer: Uint8Array;
  readonly recovery: RecoveryMode;
  /** True for the last segment only: trailing damage there is a torn write. */
  readonly tailMayBeTorn: boolean;
  /** `segment` of the positions passed to `onRecord`. */
  readonly position: number;
  readonly onRecord: ((record: LogRecord, position: LogPosition) => void) | undefined;
  readonly onBytes: (bytes: number) => void;
  readonly onDamage: (damage: Damage) => void;
}

/** What {@link replayFile} found. */
export interface ReplayedFile {
  readonly records: number;
  /** Damaged spans stepped over (`salvage` only). */
  readonly skipped: number;
  readonly size: number;
  readonly format: LogFormat | null;
  /** Trailing damage to cut (a torn write), or null. */
  readonly tail: { readonly offset: number } | null;
}

/**
 * Replays one file under the recovery mode: every valid record goes to `onRecord`; damage is a
 * `WAL_CORRUPT` error, except trailing damage of the last segment (`tolerate-tail`, `salvage`),
 * returned as `tail` for the caller to cut, and any damage under `salvage`, counted as skipped.
 */
export async function replayFile(options: ReplayFileOptions): Promise<ReplayedFile> {
  const { path, recovery, tailMayBeTorn, position: segment, onRecord, onDamage } = options;
  let records = 0;
  let skipped = 0;
  // Failures since the last valid record: a tail if nothing valid follows them.
  let pending: DecodeFailure[] = [];

  const scanned = await scanFile({
    fs: options.fs,
    path,
    limits: options.limits,
    buffer: options.buffer,
    onBytes: options.onBytes,
    onResult: (result) => {
      if (!result.ok) {
        if (recovery === 'strict') {
          throw corruptError(
            path,
            result,
            'strict recovery accepts no damage, not even a torn tail',
          );
        }
        const never = NEVER_TORN[result.reason];
        if (never !== undefined) {
          // Never a torn write, so never cut as a tail, even at the very end of the log.
          if (recovery !== 'salvage') throw corruptError(path, result, never);
          for (const failure of pending) onDamage(toDamage(path, failure, 'skipped'));
          onDamage(toDamage(path, result, 'skipped'));
          skipped += pending.length + 1;
          pending = [];
          return;
        }
        pending.push(result);
        return;
      }
      if (pending.length > 0) {
        if (recovery !== 'salvage') {
          throw corruptError(
            path,
            pending[0]!,
            'valid records follow it, so it is not a torn write',
          );
        }
        for (const failure of pending) onDamage(toDamage(path, failure, 'skipped'));
        skipped += pending.length;
        pending = [];
      }
      records++;
      onRecord?.(result.record, { segment, offset: result.offset });
    },
  });

  let tail: ReplayedFile['tail'] = null;
  const first = pending[0];
  if (first !== undefined) {
    if (tailMayBeTorn) {
      for (const failure of pending) onDamage(toDamage(path, failure, 'torn-tail'));
      tail = { offset: first.offset };
    } else if (recovery === 'salvage') {
      for (const failure of pending) onDamage(toDamage(path, failure, 'skipped'));
      skipped += pending.length;
    } else {
      throw corruptError(
        path,
        first,
        'only the last segment may end in a torn write (earlier ones were fsynced before the next began)',
      );
    }
  }
  return { records, skipped, size: scanned.size, format: scanned.format, tail };
}
