import { FILE_HEADER, type RecordLimits, resolveLimits } from '@hermes/record';
import { WalError } from './errors.js';
import { nodeFileSystem } from './fs/node-fs.js';
import {
  type FileSystem,
  type RecoveryMode,
  SyncEveryWrite,
  type WalObserver,
  type WalOptions,
} from './types.js';

/** {@link WalOptions} with every default filled in. */
export interface ResolvedWalOptions {
  readonly dir: string;
  readonly sync: number;
  readonly segmentBytes: number;
  readonly maxCommitBytes: number;
  readonly maxQueueBytes: number;
  readonly maxQueueRecords: number;
  readonly closeTimeoutMs: number;
  readonly recovery: RecoveryMode;
  readonly limits: RecordLimits;
  readonly observer: WalObserver | undefined;
  readonly fs: FileSystem;
}

/** Default segment size: 64 MiB. */
export const DEFAULT_SEGMENT_BYTES: number = 64 * 1024 * 1024;
/** Default cap of one group commit: 4 MiB. */
export const DEFAULT_MAX_COMMIT_BYTES: number = 4 * 1024 * 1024;
/** Default queue bound in bytes: 64 MiB. */
export const DEFAULT_MAX_QUEUE_BYTES: number = 64 * 1024 * 1024;
/** Default queue bound in records. */
export const DEFAULT_MAX_QUEUE_RECORDS = 65_536;
/** Default time `close()` may take: 5 s. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

const MODES: readonly RecoveryMode[] = ['tolerate-tail', 'strict', 'salvage'];

function invalid(message: string): WalError {
  return new WalError('WAL_INVALID_OPTIONS', message);
}

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw invalid(`${name} must be an integer of at least ${min}, got ${describeValue(value)}.`);
  }
  return value;
}

/**
 * Checks `openWal` options and fills in defaults.
 * @throws WalError `WAL_INVALID_OPTIONS` naming the bad option.
 */
export function resolveOptions(options: WalOptions): ResolvedWalOptions {
  if (options === null || typeof options !== 'object')
    throw invalid('openWal needs an options object with a dir.');
  if (typeof options.dir !== 'string' || options.dir.length === 0) {
    throw invalid('dir must be the path of the log directory (a non-empty string).');
  }
  const sync = options.sync ?? SyncEveryWrite;
  if (typeof sync !== 'number' || !Number.isFinite(sync) || sync < 0 || sync > 2 ** 31 - 1) {
    throw invalid(
      `sync must be a number of milliseconds (0 = fsync before every append resolves), got ${describeValue(sync)}.`,
    );
  }
  const recovery = options.recovery ?? 'tolerate-tail';
  if (!MODES.includes(recovery)) {
    throw invalid(`recovery must be one of ${MODES.join(', ')}, got ${describeValue(recovery)}.`);
  }
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  if (
    typeof closeTimeoutMs !== 'number' ||
    !(closeTimeoutMs >= 0) ||
    closeTimeoutMs > 2 ** 31 - 1
  ) {
    throw invalid(
      `closeTimeoutMs must be a number of milliseconds, got ${describeValue(closeTimeoutMs)}.`,
    );
  }
  let limits: RecordLimits;
  try {
    limits = resolveLimits(options.limits);
  } catch (error) {
    throw new WalError('WAL_INVALID_OPTIONS', `limits are invalid: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    dir: options.dir,
    sync,
    segmentBytes: positiveInteger(
      'segmentBytes',
      options.segmentBytes,
      DEFAULT_SEGMENT_BYTES,
      FILE_HEADER.length + 1,
    ),
    maxCommitBytes: positiveInteger(
      'maxCommitBytes',
      options.maxCommitBytes,
      DEFAULT_MAX_COMMIT_BYTES,
    ),
    maxQueueBytes: positiveInteger('maxQueueBytes', options.maxQueueBytes, DEFAULT_MAX_QUEUE_BYTES),
    maxQueueRecords: positiveInteger(
      'maxQueueRecords',
      options.maxQueueRecords,
      DEFAULT_MAX_QUEUE_RECORDS,
    ),
    closeTimeoutMs,
    recovery,
    limits,
    observer: options.observer,
    fs: options.fs ?? nodeFileSystem,
  };
}

/**
 * A value as an error message should show it: quoted with its type when that is what is wrong
 * (`"1000" (a string)`), as it is otherwise (`-5`, `undefined`).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'number' || value === undefined || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  return `a ${Array.isArray(value) ? 'array' : typeof value}`;
}
