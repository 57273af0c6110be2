import { type LogRecord, type RecordLimits, resolveLimits } from '@hermes/record';
import { nodeFileSystem } from '../fs/node-fs.js';
import { checkLockFile } from '../lock/directory-lock.js';
import type { FileSystem, LogPosition, ReplayProgress } from '../types.js';
import { type RecoveredLog, recoverLog } from './recover.js';

/** Options of {@link verifyLog}. */
export interface VerifyLogOptions {
  /** The log directory. */
  readonly dir: string;
  /** @default nodeFileSystem */
  readonly fs?: FileSystem;
  /** Codec limits the log was written with. @default DEFAULT_LIMITS of @hermes/record */
  readonly limits?: Partial<RecordLimits>;
  /** Called for every record that decodes, in log order. */
  readonly onRecord?: (record: LogRecord, position: LogPosition) => void;
  /** Called as the check advances. */
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/**
 * What {@link verifyLog} found: `clean`; `torn-tail` (only an interrupted last write, which
 * opening the log cuts); or `corrupt` (damage that the default recovery refuses: see `damage`).
 */
export interface LogVerdict extends RecoveredLog {
  readonly verdict: 'clean' | 'torn-tail' | 'corrupt';
}

/**
 * Checks a log directory without changing any file and without taking its lock (what
 * `hermes-wal verify` does): replays everything that decodes, lists every damaged span (`damage`,
 * at most 1000 in detail, all counted in `report.skipped`), the torn tail opening would cut
 * (`report.tornTail`) and the leftovers it would tidy (`obsolete`). On a log that a live process
 * is writing, the last record may look torn.
 * @throws WalPathError (`WAL_BAD_DIRECTORY`, `WAL_FOREIGN_FILE`) for what makes opening fail
 *   before replay, in the same words; I/O errors (e.g. ENOENT for a missing directory).
 */
export async function verifyLog(options: VerifyLogOptions): Promise<LogVerdict> {
  const fs = options.fs ?? nodeFileSystem;
  await checkLockFile(fs, options.dir);
  const recovered = await recoverLog({
    fs,
    dir: options.dir,
    recovery: 'salvage',
    limits: resolveLimits(options.limits),
    readOnly: true,
    ...(options.onRecord === undefined ? {} : { onRecord: options.onRecord }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const verdict =
    recovered.report.skipped > 0
      ? 'corrupt'
      : recovered.report.tornTail !== null
        ? 'torn-tail'
        : 'clean';
  return { ...recovered, verdict };
}
