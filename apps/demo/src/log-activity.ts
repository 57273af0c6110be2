import type { MetricsObserver } from './metrics.js';

/** What the log did lately, for Redis's `INFO persistence`. */
export interface LogActivity {
  /** `Date.now()` of the last successful fsync, or `undefined` before the first. */
  readonly lastFsyncAt: number | undefined;
  /** How long the last fsync took, in ms. */
  readonly lastFsyncMs: number;
  /** Records in the last group written with one write (one group commit). */
  readonly lastGroupRecords: number;
  /** Most records in one group commit since start. */
  readonly maxGroupRecords: number;
}

/**
 * An observer of the log that remembers its latest fsync and group commit sizes, passing every
 * call on to `next` (the metrics' observer).
 */
export function trackLogActivity(next: MetricsObserver): {
  observer: MetricsObserver;
  activity: () => LogActivity;
} {
  let lastFsyncAt: number | undefined;
  let lastFsyncMs = 0;
  let lastGroupRecords = 0;
  let maxGroupRecords = 0;
  return {
    observer: {
      commitWritten(records, bytes) {
        lastGroupRecords = records;
        if (records > maxGroupRecords) maxGroupRecords = records;
        next.commitWritten(records, bytes);
      },
      synced(durationMs) {
        lastFsyncAt = Date.now();
        lastFsyncMs = durationMs;
        next.synced(durationMs);
      },
      poisoned(error) {
        next.poisoned(error);
      },
    },
    activity: () => ({ lastFsyncAt, lastFsyncMs, lastGroupRecords, maxGroupRecords }),
  };
}
