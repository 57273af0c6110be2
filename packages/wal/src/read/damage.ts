import { dirname, join } from 'node:path';
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

/**
 * Whether `hermes-wal salvage` can drop this damage (a {@link Damage}, or the `offset` and
 * `reason` of a `WalCorruptError`): a damaged line inside a file, not the file itself being wrong
 * (damage at byte 0: a missing segment, a foreign file, a bad header) nor a line over the limits
 * (a record written with larger limits, which salvage would lose). Callers use it to recommend
 * `hermes-wal salvage <dir>` only where it works.
 */
export function salvageable(damage: { readonly offset: number; readonly reason: string }): boolean {
  return damage.offset > 0 && damage.reason !== 'too-large';
}

/** Builds the `WAL_CORRUPT` error for `failure` in `file`, saying why it cannot be repaired. */
export function corruptError(file: string, failure: DecodeFailure, why: string): WalCorruptError {
  const dir = dirname(file);
  const fixes = salvageable(failure)
    ? `Restore the directory from a backup, or drop the damaged records with ` +
      `\`hermes-wal salvage ${dir}\` (it keeps their bytes in a .salvaged file), or open it with ` +
      `recovery: 'salvage' to skip them; either way the records in them are lost.`
    : `Restore the directory from a backup, or open it with recovery: 'salvage' to skip ` +
      `damaged records (data in them is lost).`;
  return new WalCorruptError(
    file,
    failure.offset,
    failure.reason,
    `Log file ${file} is damaged at byte ${failure.offset} (${failure.reason}: ${failure.message}); ` +
      `${why}. ${fixes} Run \`hermes-wal verify ${dir}\` for a full report.`,
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

/** A `DecodeFailure` for the whole of a file that is shorter than any file the log writes. */
export function shortFileFailure(size: number): DecodeFailure {
  return {
    ok: false,
    reason: 'truncated',
    offset: 0,
    length: size,
    message: `The file has ${size} bytes, fewer than its header line: it was cut`,
  };
}

/**
 * Builds the `WAL_CORRUPT` error (reason `foreign-file`) for a segment in which nothing decodes
 * and which does not start with the header: a file the log never wrote under a segment's name.
 */
export function foreignSegmentError(file: string, failure: DecodeFailure): WalCorruptError {
  return new WalCorruptError(
    file,
    failure.offset,
    'foreign-file',
    `Log file ${file} is not a file this log wrote: no line of it decodes (first at byte ` +
      `${failure.offset}: ${failure.reason}: ${failure.message}) and it has no Hermes header, so it is not a ` +
      'torn tail (a torn tail is at most the final record of the last segment). Nothing was cut. ' +
      "Move it out of the directory; if it is a log in the seed's format, import it with " +
      '`hermes-wal import <file> <dir>`.',
  );
}

/**
 * Builds the `WAL_CORRUPT` error (reason `legacy-misplaced`) for a segment in the seed's legacy
 * format (no checksums) anywhere but where the documented migration puts one: as the first
 * segment of a log without a snapshot.
 */
export function misplacedLegacyError(file: string): WalCorruptError {
  return new WalCorruptError(
    file,
    0,
    'legacy-misplaced',
    `Log file ${file} holds lines in the seed's legacy format (SET <key> <base64>, no checksums), ` +
      'which are read only as the first segment of a log without a snapshot, where the documented ' +
      'migration puts them; here its records would overwrite checked ones unchecked. Nothing was ' +
      'read from it. Move it out of the directory, and import it with `hermes-wal import <file> <dir>`.',
  );
}
