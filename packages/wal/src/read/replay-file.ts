import {
  type DecodeFailure,
  FILE_HEADER,
  type LogFormat,
  type LogRecord,
  type RecordLimits,
} from '@hermes/record';
import type { WalCorruptError } from '../errors.js';
import { isDirectoryError, notAFileError } from '../fs/dir-errors.js';
import type { FileSystem, LogPosition, RecoveryMode } from '../types.js';
import {
  corruptError,
  type Damage,
  foreignSegmentError,
  misplacedLegacyError,
  shortFileFailure,
  toDamage,
} from './damage.js';
import { scanFile } from './segment-reader.js';

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
  /** True for the last segment only: its final record may be a torn write. */
  readonly tailMayBeTorn: boolean;
  /** Whether the file may be in the seed's legacy format (only the log's first segment may). */
  readonly legacyAllowed: boolean;
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
  /** Whether the file ends in damage left in place (`salvage`): nothing may be appended to it. */
  readonly endsDamaged: boolean;
}

/** Thrown from inside the scan to stop reading a misplaced legacy file before any record. */
class Misplaced extends Error {}

/**
 * Replays one file under the recovery mode: every valid record goes to `onRecord`; damage is a
 * `WAL_CORRUPT` error, except a torn final record of the last segment (`tolerate-tail`,
 * `salvage`), returned as `tail` for the caller to cut, and any damage under `salvage`, counted
 * as skipped. A torn tail is at most one damaged span after the last valid record (or after the
 * header), or a last segment cut inside its header; a file in which nothing decodes and that has
 * no header is no torn tail but a foreign file. A legacy file where `legacyAllowed` is false is
 * refused before any of its records is passed on.
 * @throws WalCorruptError; WalPathError `WAL_BAD_DIRECTORY` for a directory under the file's name.
 */
export async function replayFile(options: ReplayFileOptions): Promise<ReplayedFile> {
  const { path, recovery, tailMayBeTorn, position: segment, onRecord, onDamage } = options;
  let records = 0;
  let skipped = 0;
  // Failures since the last valid record: a tail if nothing valid follows them.
  let pending: DecodeFailure[] = [];
  const skip = (failures: readonly DecodeFailure[], first?: WalCorruptError): void => {
    for (const [i, failure] of failures.entries()) {
      const damage = toDamage(path, failure, 'skipped');
      onDamage(i === 0 && first !== undefined ? { ...damage, message: first.message } : damage);
    }
    skipped += failures.length;
  };

  let scanned: Awaited<ReturnType<typeof scanFile>>;
  try {
    scanned = await scanFile({
      fs: options.fs,
      path,
      limits: options.limits,
      buffer: options.buffer,
      onBytes: options.onBytes,
      onFormat: (format) => {
        if (format === 'legacy' && !options.legacyAllowed) throw new Misplaced();
      },
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
            skip([...pending, result]);
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
          skip(pending);
          pending = [];
        }
        records++;
        onRecord?.(result.record, { segment, offset: result.offset });
      },
    });
  } catch (error) {
    if (isDirectoryError(error)) throw notAFileError(path, 'a segment or snapshot', error);
    if (!(error instanceof Misplaced)) throw error;
    const misplaced = misplacedLegacyError(path);
    if (recovery !== 'salvage') throw misplaced;
    onDamage({
      file: path,
      offset: 0,
      length: (await options.fs.size(path)) ?? 0,
      reason: misplaced.reason,
      message: misplaced.message,
      kind: 'skipped',
    });
    return { records: 0, skipped: 1, size: 0, format: 'legacy', tail: null, endsDamaged: true };
  }

  const done = (tail: ReplayedFile['tail'], endsDamaged = false): ReplayedFile => ({
    records,
    skipped,
    size: scanned.size,
    format: scanned.format,
    tail,
    endsDamaged,
  });
  const first = pending[0];
  if (first === undefined) {
    if (tailMayBeTorn || scanned.size >= FILE_HEADER.length) return done(null);
    // Not the last file, and shorter than any file the log seals (an empty one emits nothing).
    const failure = shortFileFailure(scanned.size);
    const error = corruptError(path, failure, notLastWhy);
    if (recovery !== 'salvage') throw error;
    skip([failure], error);
    return done(null);
  }
  // A segment torn inside its header line reads as v1 with the header's prefix, truncated.
  const tornHeader =
    first.offset === 0 &&
    (scanned.format === 'v2' || scanned.format === 'v1') &&
    first.reason === 'truncated';
  if (tailMayBeTorn && pending.length === 1 && (first.offset > 0 || tornHeader)) {
    onDamage(toDamage(path, first, 'torn-tail'));
    return done({ offset: first.offset });
  }
  const error = !tailMayBeTorn
    ? corruptError(path, first, notLastWhy)
    : first.offset === 0 && !tornHeader
      ? foreignSegmentError(path, first)
      : corruptError(
          path,
          first,
          `${pending.length} damaged lines follow the last valid record, and a torn tail is at ` +
            'most the final record of the last segment',
        );
  if (recovery !== 'salvage') throw error;
  skip(pending, error);
  return done(null, tailMayBeTorn);
}

const notLastWhy =
  'only the last segment may end in a torn write (earlier ones were fsynced before the next began)';
