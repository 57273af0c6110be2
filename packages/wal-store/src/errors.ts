/**
 * Stable codes of {@link DurableStoreError}. Errors the store contract defines keep their
 * `StoreError` codes (`STORE_CLOSED`, `STORE_INVALID_KEY`, `STORE_INVALID_VALUE`,
 * `STORE_INVALID_BATCH`, `STORE_INVALID_OPTION`), and the log's failures keep their `WalError`
 * codes (`WAL_POISONED`, ...), so code written against any Hermes store branches the same way.
 * Bad input is always a `StoreError`, the log codec's limits included: a key over `maxKeyBytes`
 * is `STORE_INVALID_KEY`, a value over `maxValueBytes` `STORE_INVALID_VALUE`, a batch over
 * `maxBatchOps` `STORE_INVALID_BATCH` (the codec's `RecordError`, when it refused, is the `cause`).
 */
export type DurableStoreErrorCode =
  /** The options are invalid (the message names the option). */
  | 'DURABLE_INVALID_OPTIONS'
  /** The store handed to `openDurableStore` was not empty: pass a fresh store, the log fills it. */
  | 'DURABLE_STORE_NOT_EMPTY'
  /**
   * A write reached the log but the wrapped store refused to apply it (e.g. `STORE_FULL`): memory
   * no longer matches the log, so every later write is refused. Fix the cause and reopen.
   */
  | 'DURABLE_APPLY_FAILED'
  /**
   * `backup()` on a store whose log was passed as `options.log` (a replicated log): back up with
   * that log's own tools, or open a store on the local log and back that up.
   */
  | 'DURABLE_BACKUP_UNSUPPORTED'
  /** A compaction was stopped because the store is closing; the old log is intact. */
  | 'DURABLE_COMPACTION_ABORTED'
  /**
   * A watcher fell further behind than its `maxBuffered` / `maxBufferedBytes`: it was stopped and
   * what it held dropped. Watch again with `since` (the last id handled), and read faster.
   */
  | 'DURABLE_WATCH_OVERFLOW';

/** An error raised by the durable store itself, with a stable `code`. */
export class DurableStoreError extends Error {
  /** Stable code to branch on. */
  readonly code: DurableStoreErrorCode;

  /** Creates an error with a stable `code` and a message that says what to do. */
  constructor(code: DurableStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DurableStoreError';
    this.code = code;
  }
}
