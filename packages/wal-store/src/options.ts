import { DurableStoreError } from './errors.js';
import type { CompactionOptions } from './types.js';
import type { WatchHistoryOptions } from './watch-types.js';

/** Compaction settings with every default filled in; `enabled: false` means no automatic runs. */
export interface ResolvedCompaction {
  readonly enabled: boolean;
  readonly minLogBytes: number;
  readonly ratio: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** Default of `compaction.minLogBytes`: 64 MiB. */
export const DEFAULT_MIN_LOG_BYTES: number = 64 * 1024 * 1024;
/** Default of `compaction.ratio`. */
export const DEFAULT_COMPACTION_RATIO: number = 2;
/** Default of `compaction.backoffMs`. */
export const DEFAULT_BACKOFF_MS: number = 1000;
/** Default of `compaction.maxBackoffMs`. */
export const DEFAULT_MAX_BACKOFF_MS: number = 60_000;

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DurableStoreError(
      'DURABLE_INVALID_OPTIONS',
      `compaction.${name} must be a finite number >= 0, got ${String(value)}.`,
    );
  }
  return value;
}

/** Fills in compaction defaults; throws `DURABLE_INVALID_OPTIONS` for bad numbers. */
export function resolveCompaction(
  options: false | CompactionOptions | undefined,
): ResolvedCompaction {
  if (options === false) {
    return {
      enabled: false,
      minLogBytes: DEFAULT_MIN_LOG_BYTES,
      ratio: DEFAULT_COMPACTION_RATIO,
      backoffMs: DEFAULT_BACKOFF_MS,
      maxBackoffMs: DEFAULT_MAX_BACKOFF_MS,
    };
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new DurableStoreError(
      'DURABLE_INVALID_OPTIONS',
      'compaction must be false or an object { minLogBytes?, ratio?, backoffMs?, maxBackoffMs? }.',
    );
  }
  const o = options ?? {};
  const backoffMs = nonNegative('backoffMs', o.backoffMs, DEFAULT_BACKOFF_MS);
  return {
    enabled: true,
    minLogBytes: nonNegative('minLogBytes', o.minLogBytes, DEFAULT_MIN_LOG_BYTES),
    ratio: nonNegative('ratio', o.ratio, DEFAULT_COMPACTION_RATIO),
    backoffMs,
    maxBackoffMs: Math.max(
      backoffMs,
      nonNegative('maxBackoffMs', o.maxBackoffMs, DEFAULT_MAX_BACKOFF_MS),
    ),
  };
}

/** Whether a log of `logBytes` whose last snapshot holds `snapshotBytes` is due for compaction. */
export function compactionDue(
  settings: ResolvedCompaction,
  logBytes: number,
  snapshotBytes: number,
): boolean {
  return logBytes > settings.minLogBytes && logBytes > settings.ratio * snapshotBytes;
}

/** Default of `watchHistory.maxChanges`. */
export const DEFAULT_WATCH_HISTORY_CHANGES: number = 10_000;
/** Default of `watchHistory.maxBytes`: 16 MiB. */
export const DEFAULT_WATCH_HISTORY_BYTES: number = 16 * 1024 * 1024;

/** History settings with every default filled in. */
export interface ResolvedWatchHistory {
  readonly maxChanges: number;
  readonly maxBytes: number;
}

/** Fills in `watchHistory` defaults; throws `DURABLE_INVALID_OPTIONS` for bad numbers. */
export function resolveWatchHistory(
  options: WatchHistoryOptions | undefined,
): ResolvedWatchHistory {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new DurableStoreError(
      'DURABLE_INVALID_OPTIONS',
      'watchHistory must be an object { maxChanges?, maxBytes? }.',
    );
  }
  const wholeNumber = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new DurableStoreError(
        'DURABLE_INVALID_OPTIONS',
        `watchHistory.${name} must be a whole number >= 0, got ${String(value)}.`,
      );
    }
    return value;
  };
  return {
    maxChanges: wholeNumber('maxChanges', options?.maxChanges, DEFAULT_WATCH_HISTORY_CHANGES),
    maxBytes: wholeNumber('maxBytes', options?.maxBytes, DEFAULT_WATCH_HISTORY_BYTES),
  };
}
