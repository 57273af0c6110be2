import { EVERY_KEY, type LockableStore, StoreError } from '@hermes/store';
import type { LogPort } from '@hermes/wal';
import { DurableStoreError } from './errors.js';
import { Mutex } from './mutex.js';
import { compactionDue, type ResolvedCompaction } from './options.js';
import { writeLiveEntries } from './snapshot.js';
import type { CompactionReport, DurableStats } from './types.js';

/** Appends between two cheap checks of whether automatic compaction is due. */
const CHECK_EVERY_APPENDS = 32;

/** What the compactor needs from the durable store that owns it. */
export interface CompactionHost {
  readonly wal: LogPort;
  readonly inner: LockableStore;
  /** Whether the store is closing (a running compaction then stops at its next slice). */
  closing(): boolean;
  /** Reports a finished compaction (`'compaction'` / `'compaction-failed'` events). */
  emit(event: 'compaction', report: CompactionReport): void;
  emit(event: 'compaction-failed', error: Error): void;
}

/** The compaction counters of {@link DurableStats}. */
export type CompactionStats = Pick<
  DurableStats,
  | 'compactions'
  | 'compactionFailures'
  | 'lastCompaction'
  | 'lastCompactionError'
  | 'compacting'
  | 'compactionBackoffMs'
>;

/**
 * Compaction for one durable store: runs them one at a time, decides when an automatic one is
 * due (and backs off after failures), keeps the counters, and lets `clear()` supersede a
 * running snapshot.
 *
 * A compaction cuts the log (a segment rotation) holding every key lock exclusively, so the cut
 * falls between two writes, then writes the live entries to a snapshot without holding any
 * lock. `clear()` installs a snapshot too, holding every lock: it first stops a snapshot being
 * written ({@link supersede}), which needs no lock to stop, so the two never deadlock.
 */
export class Compactor {
  readonly #host: CompactionHost;
  readonly #settings: ResolvedCompaction;
  /** Runs compactions one at a time. */
  readonly #runs = new Mutex();
  /** Settles when the snapshot being written now is installed or abandoned; `undefined` when none is. */
  #writing: Promise<void> | undefined;
  #superseded = false;
  #compactions = 0;
  #failures = 0;
  #failuresInRow = 0;
  #last: CompactionReport | null = null;
  #lastError: Error | null = null;
  #nextAutoAt = 0;
  #backoffMs = 0;
  #appendsSinceCheck = 0;
  #autoRunning = false;
  #clearing = 0;

  constructor(host: CompactionHost, settings: ResolvedCompaction) {
    this.#host = host;
    this.#settings = settings;
  }

  /** Whether a compaction (or a `clear()`'s snapshot) is running or waiting. */
  get busy(): boolean {
    return this.#runs.busy || this.#clearing > 0;
  }

  /** Runs one compaction after any running one; see `DurableStore.compact`. */
  run(): Promise<CompactionReport> {
    return this.#runs.run(() => this.#compactNow());
  }

  /** Resolves once no compaction runs or waits (each stops early while the store is closing). */
  idle(): Promise<void> {
    return this.#runs.run(async () => {});
  }

  /**
   * For `clear()`, which holds every key lock: stops a snapshot being written (its compaction
   * rejects `DURABLE_COMPACTION_ABORTED`, the old log intact) and resolves once it is gone.
   * `task` then runs with no other snapshot in progress.
   */
  async supersede<T>(task: () => Promise<T>): Promise<T> {
    this.#clearing++;
    try {
      if (this.#writing !== undefined) {
        this.#superseded = true;
        await this.#writing;
      }
      return await task();
    } finally {
      this.#clearing--;
    }
  }

  /** The counters for `stats()`. */
  stats(): CompactionStats {
    return {
      compactions: this.#compactions,
      compactionFailures: this.#failures,
      lastCompaction: this.#last,
      lastCompactionError: this.#lastError,
      compacting: this.busy,
      compactionBackoffMs: this.#backoffMs,
    };
  }

  /** Cheap check after an append: starts one automatic compaction when the log outgrew the data. */
  afterAppend(): void {
    if (!this.#settings.enabled || this.#autoRunning) return;
    if (++this.#appendsSinceCheck < CHECK_EVERY_APPENDS) return;
    this.#appendsSinceCheck = 0;
    if (this.#host.closing() || this.busy) return;
    if (this.#nextAutoAt !== 0 && Date.now() < this.#nextAutoAt) return;
    const { logBytes, snapshotBytes, poisoned } = this.#host.wal.stats();
    if (poisoned || !compactionDue(this.#settings, logBytes, snapshotBytes)) return;
    this.#autoRunning = true;
    this.run()
      .catch(() => {
        // Reported through 'compaction-failed' and stats(); the old log stays in use.
      })
      .finally(() => {
        this.#autoRunning = false;
      });
  }

  async #compactNow(): Promise<CompactionReport> {
    const { wal, inner } = this.#host;
    if (this.#host.closing()) throw closedError();
    const started = performance.now();
    const bytesBefore = wal.stats().logBytes;
    let entries = 0;
    let written: (() => void) | undefined;
    try {
      const cut = await new Promise<number>((resolve, reject) => {
        inner.acquire(EVERY_KEY, 'exclusive', (release) => {
          // Marked before the locks go, so a clear() granted next sees this snapshot coming.
          this.#superseded = false;
          this.#writing = new Promise<void>((done) => {
            written = done;
          });
          wal.rotate().then(resolve, reject).finally(release);
        });
      });
      await wal.installSnapshot(cut, async (writer) => {
        entries = await writeLiveEntries(inner, writer, () => this.#stopReason());
      });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // Stopped by close() or superseded by clear(): not a failure of the log.
      if (this.#host.closing() || this.#superseded) throw err;
      this.#recordFailure(err);
      throw err;
    } finally {
      this.#writing = undefined;
      written?.();
    }
    const report: CompactionReport = {
      bytesBefore,
      bytesAfter: wal.stats().logBytes,
      entries,
      durationMs: performance.now() - started,
    };
    this.#compactions++;
    this.#failuresInRow = 0;
    this.#backoffMs = 0;
    this.#nextAutoAt = 0;
    this.#last = report;
    this.#lastError = null;
    this.#host.emit('compaction', report);
    return report;
  }

  #stopReason(): Error | undefined {
    if (this.#host.closing()) {
      return new DurableStoreError(
        'DURABLE_COMPACTION_ABORTED',
        'Compaction stopped because the store is closing; the old log is intact.',
      );
    }
    if (this.#superseded) {
      return new DurableStoreError(
        'DURABLE_COMPACTION_ABORTED',
        'Compaction stopped because clear() emptied the store meanwhile; the cleared log needs none.',
      );
    }
    return undefined;
  }

  #recordFailure(error: Error): void {
    this.#failures++;
    this.#failuresInRow++;
    this.#lastError = error;
    const { backoffMs, maxBackoffMs } = this.#settings;
    this.#backoffMs = Math.min(maxBackoffMs, backoffMs * 2 ** (this.#failuresInRow - 1));
    this.#nextAutoAt = Date.now() + this.#backoffMs;
    this.#host.emit('compaction-failed', error);
  }
}

function closedError(): StoreError {
  return new StoreError('STORE_CLOSED', 'The durable store is closed: open it again to write.');
}
