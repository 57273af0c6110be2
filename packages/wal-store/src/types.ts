import type { EventEmitter } from 'node:events';
import type { BatchOp, LockableStore, ScanOptions, Store } from '@hermes/store';
import type { LogOpener, OpenReport, WalOptions, WalStats } from '@hermes/wal';
import type { DurableStoreErrorCode } from './errors.js';
import type { ChangeStream, WatchHistoryOptions, WatchOptions } from './watch-types.js';

/** When automatic compaction runs and how it backs off after a failure. */
export interface CompactionOptions {
  /** No automatic compaction while the log (snapshot plus segments) is at most this many bytes. @default 64 MiB */
  readonly minLogBytes?: number;
  /** Compact once the log is more than `ratio` times the last snapshot. @default 2 */
  readonly ratio?: number;
  /** Wait after a failed compaction before trying again; doubles after each failure in a row. @default 1000 */
  readonly backoffMs?: number;
  /** Longest wait after failures in a row. @default 60000 */
  readonly maxBackoffMs?: number;
}

/** Options of {@link openDurableStore} on the local log: the log's options plus the store to make durable. */
export interface DurableStoreOptions<S extends LockableStore>
  extends Omit<WalOptions, 'onRecord'>,
    DurableStoreCommonOptions<S> {
  /** Absent: the local log of `@hermes/wal` in `dir`. See {@link DurableLogStoreOptions}. */
  readonly log?: never;
}

/**
 * Options of {@link openDurableStore} on a log the caller provides (a replicated one, say):
 * `log` opens it. The store calls it once, with a follower that applies the records replayed
 * and, afterwards, those other writers append, in log order.
 */
export interface DurableLogStoreOptions<S extends LockableStore>
  extends DurableStoreCommonOptions<S> {
  /** Opens the log, e.g. `openJetStreamLog({ ... })` of `@hermes/wal-jetstream`. */
  readonly log: LogOpener;
  /** How long `close()` waits for writes in flight before closing the log anyway. @default 5000 */
  readonly closeTimeoutMs?: number;
}

/** The options of {@link openDurableStore} whichever log it is on. */
export interface DurableStoreCommonOptions<S extends LockableStore> {
  /** The in-memory store to make durable; must be empty. */
  readonly store: S;
  /**
   * Automatic compaction, or `false` to switch it off (`compact()` still works).
   * @default { minLogBytes: 64 MiB, ratio: 2, backoffMs: 1000, maxBackoffMs: 60000 }
   */
  readonly compaction?: false | CompactionOptions;
  /**
   * How many recent changes the store keeps so that `watch({ since })` can resume after them.
   * Kept only from the first `watch()` call on (a store never watched pays nothing).
   * @default { maxChanges: 10000, maxBytes: 16 MiB }
   */
  readonly watchHistory?: WatchHistoryOptions;
}

/** What one compaction did. */
export interface CompactionReport {
  /** Log bytes (snapshot plus segments) before the compaction. */
  readonly bytesBefore: number;
  /** Log bytes right after the new snapshot was installed. */
  readonly bytesAfter: number;
  /** Entries written to the snapshot. */
  readonly entries: number;
  /** Wall time from the start of the segment cut to the snapshot being installed. */
  readonly durationMs: number;
}

/** What one backup wrote; see {@link DurableStore.backup}. */
export interface BackupReport {
  /** The backup directory, as an absolute path. */
  readonly target: string;
  /** Keys in the backup. */
  readonly keys: number;
  /** Bytes written (the snapshot and the empty segment's header). */
  readonly bytes: number;
  /**
   * The point in log order the backup holds, in records counted from this store's open: those
   * replayed then (`report.records`) plus those applied since (a whole-store `clear()` counts as
   * one). The backup holds exactly the effect of these records and of no later one.
   */
  readonly position: number;
  /** Wall time from the call to the backup being durable under its name. */
  readonly durationMs: number;
}

/** The log's stats plus the durable store's compaction counters. */
export interface DurableStats extends WalStats {
  /** Compactions that succeeded (manual and automatic). */
  readonly compactions: number;
  /** Compactions that failed. */
  readonly compactionFailures: number;
  /** The last successful compaction, or `null`. */
  readonly lastCompaction: CompactionReport | null;
  /** The error of the last failed compaction, or `null` (reset by a success). */
  readonly lastCompactionError: Error | null;
  /** Whether a compaction is running now (or `clear()`, which also installs a snapshot). */
  readonly compacting: boolean;
  /**
   * How long automatic compaction waits after the last failure before trying again: `backoffMs`
   * doubled for each failure in a row, capped at `maxBackoffMs`; 0 after a success.
   */
  readonly compactionBackoffMs: number;
}

/** Whether the store can take writes, and if not, why. */
export type DurableHealth =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** The events of a {@link DurableStore}. */
export interface DurableStoreEvents {
  /** A compaction succeeded. */
  compaction: [report: CompactionReport];
  /** A compaction failed; the old log is intact and the store keeps working. */
  'compaction-failed': [error: Error];
  /** The log was poisoned (a write or fsync failed): writes reject from now on, reads work. */
  poisoned: [error: Error];
}

/** Reads the current value of a key inside {@link DurableStore.update}'s `decide` (a fresh copy). */
export type UpdateRead = (key: string) => Buffer | undefined;

/** What {@link DurableStore.update}'s `decide` returns: the writes to make and the answer to give. */
export interface UpdatePlan<T> {
  /** Applied in order, atomically (one log record), each on a key the update holds; may be empty. */
  readonly ops: readonly BatchOp[];
  /** What `update` resolves with once `ops` are durable. */
  readonly result: T;
}

/**
 * What a write changed, told synchronously when it is applied to memory (so once it is durable,
 * and in log order): the keys it wrote or deleted (for `clear(range)`, the keys it removed), or
 * `'every key'` after `clear()`.
 */
export type AppliedKeys = readonly string[] | 'every key';

/**
 * A store made durable by a write-ahead log: every write is appended to the log before it is
 * applied to the wrapped in-memory store, reads are served from memory. It is an
 * `EventEmitter` of {@link DurableStoreEvents}: `compaction`, `compaction-failed`, `poisoned`.
 *
 * Values read (`get`, `entries`, `values`, snapshots, `update`'s `read`) and delivered by
 * `watch` are fresh `Buffer`s. Bad input is refused with `StoreError` (see
 * {@link DurableStoreErrorCode}), a key over the log's `maxKeyBytes` (4096 UTF-8 bytes by
 * default) as `STORE_INVALID_KEY` before anything is logged.
 */
export interface DurableStore<S extends LockableStore = LockableStore>
  extends Store,
    EventEmitter<DurableStoreEvents> {
  /** What opening did: records and bytes replayed, time taken, whether a torn tail was cut. */
  readonly report: OpenReport;
  /** The wrapped in-memory store (read from it freely; writing to it directly bypasses the log). */
  readonly inner: S;
  /**
   * Removes every key (`clear()`), or every key within `range` (`clear(range)`, the options of
   * `keys()`: `gt`, `gte`, `lt`, `lte`, `prefix`, `reverse`, `limit`), atomically and durably.
   * It holds every key lock, so writes called before it apply before it and later ones after.
   * A ranged clear is ONE log record, `CLEAR` with the range's bounds (the prefix folded in; with
   * a `limit`, the bounds of the keys it removes), appended before memory changes: after a crash
   * the keys of the range are either all gone or all still there, and all gone if the clear was
   * acknowledged. A range that holds no key writes nothing. `clear()` without a range installs an empty
   * snapshot instead (no record, and the old log files go at once). On a log other nodes append
   * to (`appendDecided`), every clear is one `CLEAR` record that every node applies, logged even
   * when this node's memory holds no key of the range. Watchers see one `clear`
   * change. Rejects `STORE_INVALID_OPTION` for an invalid range (nothing written),
   * `STORE_CLOSED`, and the log's error.
   */
  clear(range?: ScanOptions): Promise<void>;
  /**
   * Resolves once every write that resolved before the call (and every write called before it)
   * is fsynced. Under `SyncEveryWrite` that is already true; under `SyncEverySecond` (or any
   * period) it makes one important write durable without waiting for the ticker. Rejects with
   * the log's error once it is poisoned, or `STORE_CLOSED` once closed.
   */
  sync(): Promise<void>;
  /**
   * Writes the live state as a new base snapshot and drops the log segments it replaces, while
   * writes continue (they wait only for the brief segment cut). Rejects with the log's error if
   * it failed (the old log stays intact), `STORE_CLOSED` once closed, or
   * `DURABLE_COMPACTION_ABORTED` when `close()` stopped it.
   */
  compact(): Promise<CompactionReport>;
  /**
   * Writes a consistent copy of the store to the new directory `target` while writes go on: the
   * state at one point in log order (a frozen `snapshot()`, taken at the call, so it holds every
   * write that resolved before the call), as a log directory (a snapshot file and an empty
   * segment) that `openDurableStore({ dir: target })` opens as a normal store. Files and
   * directories are fsynced, and the copy is written beside `target` then renamed into place,
   * so a crash never leaves a partial copy under that name. Restore is opening the copy.
   * Rejects with `WAL_BACKUP_TARGET_EXISTS` if `target` exists and is not an empty directory,
   * `DURABLE_BACKUP_UNSUPPORTED` on a log passed as `options.log`, `STORE_CLOSED` once closed,
   * `DURABLE_APPLY_FAILED` once memory diverged from the log, or the I/O error that stopped it.
   */
  backup(target: string): Promise<BackupReport>;
  /**
   * An atomic read-modify-write of several keys: holds `keys` exclusively (queued in call order
   * with every other write on them), calls `decide` synchronously with a reader of the current
   * values, then logs the ops it returns as one record (all or none) and applies them once
   * durable. Resolves with `decide`'s result once its ops are durable (at once when there are
   * none); a refused write changes nothing. What `INCR`, `MSETNX` or a transaction need.
   *
   * `decide` must not throw for a normal outcome (return no ops instead); if it throws, nothing
   * is written and `update` rejects with what it threw. Ops on a key not in `keys` reject with
   * `STORE_INVALID_BATCH`. Reading a key not in `keys` is allowed but sees it unlocked.
   *
   * On a log that other nodes append to (a replicated log), `decide` runs again whenever another
   * node's record got in between its check and the append (see `LogPort.appendDecided`): it must
   * only read, and its last run is the one that counts.
   */
  update<T>(keys: readonly string[], decide: (read: UpdateRead) => UpdatePlan<T>): Promise<T>;
  /**
   * Calls `listener` synchronously each time a write is applied to memory (once durable, in log
   * order) with the keys it changed; returns the function that stops it. Meant for bookkeeping
   * that must see every change at the moment it becomes visible (such as Redis's `WATCH`): it
   * runs inside the log's completion, so it must be quick and must not throw (an exception is
   * rethrown on the next tick, as an uncaught error).
   */
  onApplied(listener: (keys: AppliedKeys) => void): () => void;
  /**
   * Watches changes: an async iterator of every write applied from now on (see `Change`),
   * in log order, each delivered only once it is durable, filtered by `prefix` and key bounds
   * (compared by UTF-8 bytes). A batch is one change. `since` resumes after an earlier change
   * while the store's history holds it (else the first change is `{ type: 'resync' }`).
   *
   * A consumer that falls behind by more than `maxBuffered` changes or `maxBufferedBytes` is
   * stopped: its next read throws `DURABLE_WATCH_OVERFLOW` (never unbounded memory, never a
   * silent gap). `return()` / `break` stops a watch; `close()` of the store ends every watch once
   * its consumer has read what it holds. Throws `DURABLE_INVALID_OPTIONS` for bad options and
   * `STORE_CLOSED` once the store is closing.
   */
  watch(options?: WatchOptions): ChangeStream;
  /** The log's stats plus compaction counters. */
  stats(): DurableStats;
  /** `{ ok: true }` while writes can succeed; otherwise the code and message of why not. */
  health(): DurableHealth;
}
