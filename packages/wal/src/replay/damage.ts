import { join } from 'node:path';
import type { DecodeFailure } from '@hermes/record';
import { WalCorruptError } from '../errors.js';
import { segmentName } from '../layout.js';

/** One damaged span replay found. */
export interface Damage {
  /** Full path of the file. */
  readonly file: string;
  /** Byte offset of the damaged span in the file. */
  readonly offset: number;
  /** Length of the damaged span in bytes. */
  readonly length: number;
  /** A `DecodeFailureReason` of `@hermes/record`. */
  readonly reason: string;
  /** What is wrong, for a person. */
  readonly message: string;
  /**
   * `torn-tail`: trailing damage of the last segment, cut by repair; `skipped`: damage that
   * `salvage` stepped over; `fatal`: the damage that stopped replay.
   */
  readonly kind: 'torn-tail' | 'skipped' | 'fatal';
}

/** Converts a decoder failure into a {@link Damage}. */
export function toDamage(file: string, failure: DecodeFailure, kind: Damage['kind']): Damage {
  return {
    file,
    offset: failure.offset,
    length: failure.length,
    reason: failure.reason,
    message: failure.message,
    kind,
  };
}

/** Builds the `WAL_CORRUPT` error for `failure` in `file`, saying why it cannot be repaired. */
export function corruptError(file: string, failure: DecodeFailure, why: string): WalCorruptError {
  return new WalCorruptError(
    file,
    failure.offset,
    failure.reason,
    `Log file ${file} is damaged at byte ${failure.offset} (${failure.reason}: ${failure.message}); ` +
      `${why}. Restore the directory from a backup, or open it with recovery: 'salvage' to skip ` +
      `damaged records (data in them is lost). Run \`hermes-wal verify\` for a full report.`,
  );
}

/**
 * Builds the `WAL_CORRUPT` error (reason `missing-segment`) for segments `from..to` missing from
 * `dir`; `file` is the first missing segment's path.
 */
export function missingSegmentsError(
  dir: string,
  from: number,
  to: number,
  snapshotSeq: number | null,
): WalCorruptError {
  const file = join(dir, segmentName(from));
  const which = from === to ? `Segment ${file} is` : `Segments ${file} to ${segmentName(to)} are`;
  const start =
    snapshotSeq === null
      ? 'the log starts at segment 1'
      : `the newest snapshot replaces only the segments below ${snapshotSeq}`;
  return new WalCorruptError(
    file,
    0,
    'missing-segment',
    `${which} missing from ${dir} (${start}, and segments are numbered without gaps): the records ` +
      `in them are lost. Restore the file(s) from a backup, or open with recovery: 'salvage' to ` +
      'replay the rest.',
  );
}
