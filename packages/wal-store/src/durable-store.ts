import { EventEmitter } from 'node:events';
import {
  type BatchOp,
  EVERY_KEY,
  type KeyBounds,
  keyBounds,
  type LockableStore,
  type Release,
  type ScanOptions,
  StoreError,
  type StoreSnapshot,
} from '@hermes/store';
import type { ClearRecord, LogPort, LogRecord, OpenReport } from '@hermes/wal';
import { applyClear, isEveryKey } from './apply-clear.js';
import { type BackupSettings, backupSnapshot } from './backup.js';
import { ChangeFeed } from './change-feed.js';
import { type AppliedOps, isAppliedClear } from './change-history.js';
import { Compactor } from './compaction.js';
import { DurableStoreError } from './errors.js';
import { storeInputError } from './input-errors.js';
import type { ResolvedCompaction, ResolvedWatchHistory } from './options.js';
import type {
  AppliedKeys,
  BackupReport,
  CompactionReport,
  DurableHealth,
  DurableStats,
  DurableStore,
  DurableStoreEvents,
  UpdatePlan,
  UpdateRead,
} from './types.js';
import { checkBatch, checkKey, checkValue, copyValue, sameBytes } from './validate.js';
import type { ChangeStream, WatchOptions } from './watch-types.js';

/** What a conditional write decided: the ops to log and apply (none: nothing to log) and its answer. */
interface Decision<T> {
  readonly ops?: BatchOp | readonly BatchOp[];
  readonly result: T;
}

/** How a conditional write's caller is answered. */
interface Settle<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/** Whether an own write's first key was present when it applied, and why it could not apply. */
interface Applied {
  present: boolean;
  failure: Error | undefined;
}

/** The settle functions of a write whose locks were not free when it was called. */
interface Deferred {
  readonly resolve: (value: boolean | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The durable decorator: writes go to the log first and reach the wrapped store only once
 * durable (in the log's `onDurable` callback, which runs in log order); reads are served by the
 * wrapped store. Built by {@link openDurableStore}.
 *
 * Every write takes its key locks with the wrapped store's `acquire`, at the moment it is
 * called, and appends to the log inside the grant: so writes reach the log, and memory, in call
 * order on every key they share, whichever kind they are.
 */
export class DurableStoreImpl<S extends LockableStore>
  extends EventEmitter<DurableStoreEvents>
  implements DurableStore<S>
{
  /** What opening did. */
  readonly report: OpenReport;
  /** The wrapped in-memory store. */
  readonly inner: S;
  readonly #wal: LogPort;
  readonly #compactor: Compactor;
  readonly #closeTimeoutMs: number;
  #closing: Promise<void> | undefined;
  #diverged: DurableStoreError | undefined;
  /** Told synchronously of each write as it is applied: `onApplied`'s listeners and the feed. */
  readonly #appliedListeners = new Set<(ops: AppliedOps) => void>();
  readonly #watchHistory: ResolvedWatchHistory;
  /** The change feed, made by the first `watch()` (so a store never watched pays nothing). */
  #feed: ChangeFeed | undefined;
  /** How `backup()` writes, or `undefined` on a log passed as `options.log` (no backup). */
  readonly #backup: BackupSettings | undefined;
  /** Records applied to memory, in log order, counted from the open (replayed ones included). */
  #position: number;
  /** The log's `maxKeyBytes`, checked before a write is logged; `Infinity` when not known (a log passed as `options.log`). */
  readonly #maxKeyBytes: number;

  constructor(
    inner: S,
    wal: LogPort,
    report: OpenReport,
    compaction: ResolvedCompaction,
    closeTimeoutMs: number,
    watchHistory: ResolvedWatchHistory,
    backup: BackupSettings | undefined,
    maxKeyBytes: number,
  ) {
    super();
    this.#maxKeyBytes = maxKeyBytes;
    this.#backup = backup;
    this.#position = report.records;
    this.#watchHistory = watchHistory;
    this.#closeTimeoutMs = closeTimeoutMs;
    this.inner = inner;
    this.#wal = wal;
    this.report = report;
    this.#compactor = new Compactor(
      {
        wal,
        inner,
        closing: () => this.#closing !== undefined,
        emit: (event: 'compaction' | 'compaction-failed', payload: never) =>
          this.emit(event, payload),
      },
      compaction,
    );
  }

  /**
   * Applies a record another writer appended to a replicated log (the log's follower calls it
   * at the record's place in log order, between the `onDurable` callbacks of this store's own
   * writes). It takes no key lock: log order is the order, as for own writes in `onDurable`.
   */
  applyFollowed(record: LogRecord): void {
    let ops: AppliedOps | undefined;
    try {
      if (record.type === 'clear') {
        ops = applyClear(this.inner, record, this.#appliedListeners.size > 0);
      } else {
        ops = record.type === 'batch' ? record.ops : record;
        this.inner.applyUnlocked(ops);
      }
    } catch (cause) {
      this.#diverge(cause);
      return;
    }
    this.#position++;
    if (ops !== undefined && this.#appliedListeners.size > 0) this.#applied(ops);
  }

  /** Called by the log's observer when it is poisoned; emits `poisoned` outside the log's actor. */
  notifyPoisoned(error: Error): void {
    process.nextTick(() => this.emit('poisoned', error));
  }

  get size(): number {
    return this.inner.size;
  }

  get(key: string): Buffer | undefined {
    return this.inner.get(key);
  }

  has(key: string): boolean {
    return this.inner.has(key);
  }

  /** The wrapped store's entries in key order within `options`, as of this call (only writes already durable). */
  entries(options?: ScanOptions): IterableIterator<[key: string, value: Buffer]> {
    return this.inner.entries(options);
  }

  /** The wrapped store's keys in key order within `options`, as of this call. */
  keys(options?: ScanOptions): IterableIterator<string> {
    return this.inner.keys(options);
  }

  /** The wrapped store's values in key order within `options`, as of this call. */
  values(options?: ScanOptions): IterableIterator<Buffer> {
    return this.inner.values(options);
  }

  /**
   * The wrapped store's read-only snapshot: frozen at this call, holding every write that was
   * durable (and so applied) by then and none after; it takes no lock, so writes keep flowing.
   * Throws `STORE_CLOSED` once the wrapped store is closed.
   */
  snapshot(): StoreSnapshot {
    return this.inner.snapshot();
  }

  set(key: string, value: Uint8Array): Promise<void> {
    let op: BatchOp;
    try {
      op = this.#setOp(key, value);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#unconditional(key, op, op, false) as Promise<void>;
  }

  delete(key: string): Promise<boolean> {
    let op: BatchOp;
    try {
      this.#checkWritable();
      checkKey(key, this.#maxKeyBytes);
      op = { type: 'delete', key };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#unconditional(key, op, op, true) as Promise<boolean>;
  }

  batch(ops: readonly BatchOp[]): Promise<void> {
    let own: BatchOp[];
    try {
      this.#checkWritable();
      own = checkBatch(ops, this.#maxKeyBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    if (own.length === 0) return Promise.resolve();
    const keys = own.map((op) => op.key);
    return this.#unconditional(keys, { type: 'batch', ops: own }, own, false) as Promise<void>;
  }

  putIfAbsent(key: string, value: Uint8Array): Promise<boolean> {
    let op: BatchOp;
    try {
      op = this.#setOp(key, value);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#conditional(key, () => (this.inner.has(key) ? false : op));
  }

  compareAndSet(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
  ): Promise<boolean> {
    let op: BatchOp;
    let want: Uint8Array | undefined;
    try {
      this.#checkWritable();
      checkKey(key, this.#maxKeyBytes);
      if (expected !== undefined) checkValue(expected);
      if (next !== undefined) checkValue(next);
      op =
        next === undefined ? { type: 'delete', key } : { type: 'set', key, value: copyValue(next) };
      want = expected === undefined ? undefined : copyValue(expected);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#conditional(key, () => {
      const current = this.inner.get(key);
      if (!sameBytes(current, want)) return false;
      // Absent stays absent: the check is the whole effect, nothing to log.
      if (current === undefined && next === undefined) return true;
      return op;
    });
  }

  update<T>(keys: readonly string[], decide: (read: UpdateRead) => UpdatePlan<T>): Promise<T> {
    try {
      this.#checkWritable();
      if (!Array.isArray(keys)) {
        throw new StoreError('STORE_INVALID_OPTION', 'update keys must be an array of keys.');
      }
      // Only held (and maybe only read): a key over the log's limit is refused if it is written.
      for (const key of keys) checkKey(key, Number.POSITIVE_INFINITY);
      if (typeof decide !== 'function') {
        throw new StoreError('STORE_INVALID_OPTION', 'update needs a decide function.');
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      const granted = (release: Release): void =>
        this.#decideAndAppend(
          () => {
            const plan = decide((key) => this.inner.get(key));
            const ops = checkBatch(plan.ops, this.#maxKeyBytes);
            const held = ops.length > 4 && keys.length > 4 ? new Set(keys) : undefined;
            for (const op of ops) {
              if (!(held ? held.has(op.key) : keys.includes(op.key))) {
                throw new StoreError(
                  'STORE_INVALID_BATCH',
                  `update wrote key ${JSON.stringify(op.key)}, which it does not hold: name every key it writes in its keys.`,
                );
              }
            }
            if (ops.length === 0) return { result: plan.result };
            return { ops: ops.length === 1 ? ops[0]! : ops, result: plan.result };
          },
          release,
          { resolve, reject },
        );
      if (keys.length === 0) granted(() => {});
      else this.inner.acquire(keys, 'exclusive', granted);
    });
  }

  onApplied(listener: (keys: AppliedKeys) => void): () => void {
    const own = (ops: AppliedOps): void => listener(keysOf(ops));
    this.#appliedListeners.add(own);
    return () => {
      this.#appliedListeners.delete(own);
    };
  }

  watch(options?: WatchOptions): ChangeStream {
    if (this.#closing) throw closedError();
    if (this.#feed === undefined) {
      const feed = new ChangeFeed(this.#watchHistory);
      this.#appliedListeners.add((ops) => feed.applied(ops));
      this.#feed = feed;
    }
    return this.#feed.watch(options);
  }

  /** Tells every applied-write listener; a listener's exception is rethrown on the next tick. */
  #applied(ops: AppliedOps): void {
    for (const listener of this.#appliedListeners) {
      try {
        listener(ops);
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }

  /**
   * The unconditional write path: hold the keys `shared` from the call across the append (so
   * concurrent writes share an fsync), apply to memory in `onDurable` (synchronously, in log
   * order). Resolves, if `answer`, whether the first op's key was present when the record
   * applied (what `delete` returns), else `undefined`. Uncontended, the caller gets the log
   * promise's first reaction itself; contended, that reaction settles the caller's promise: so
   * writes are acknowledged in log order whichever way they went.
   */
  #unconditional(
    keys: string | readonly string[],
    record: LogRecord,
    ops: BatchOp | readonly BatchOp[],
    answer: boolean,
  ): Promise<boolean | undefined> {
    let now: Promise<boolean | undefined> | undefined;
    let later: Deferred | undefined;
    try {
      this.inner.acquire(keys, 'shared', (release) => {
        now = this.#append(record, ops, answer, release, later);
      });
    } catch (error) {
      return Promise.reject(error);
    }
    if (now !== undefined) return now;
    return new Promise<boolean | undefined>((resolve, reject) => {
      later = { resolve, reject };
    });
  }

  /**
   * The conditional write path: hold `key` exclusively from the check to the apply. `decide`
   * runs holding it and returns the op to log, or the answer when there is nothing to log.
   */
  #conditional(key: string, decide: () => BatchOp | boolean): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.inner.acquire(key, 'exclusive', (release) =>
        this.#decideAndAppend(
          () => {
            const op = decide();
            return typeof op === 'boolean' ? { result: op } : { ops: op, result: true };
          },
          release,
          { resolve, reject },
        ),
      );
    });
  }

  /**
   * Runs `decide` holding the locks `release` frees, logs and applies the ops it returns, and
   * settles `settle` with its result (at once when it logs nothing). On a log that other nodes
   * append to (`appendDecided`), the log runs `decide` again whenever another node's record got
   * in between its check and the append, so the check holds across nodes.
   */
  #decideAndAppend<T>(decide: () => Decision<T>, release: Release, settle: Settle<T>): void {
    const log = this.#wal;
    if (log.appendDecided === undefined) {
      let decision: Decision<T>;
      try {
        decision = decide();
      } catch (error) {
        release();
        settle.reject(error);
        return;
      }
      const ops = decision.ops;
      if (ops === undefined) {
        release();
        settle.resolve(decision.result);
        return;
      }
      const later: Deferred = {
        resolve: () => settle.resolve(decision.result),
        reject: settle.reject,
      };
      this.#append(recordOf(ops), ops, false, release, later);
      return;
    }
    let decision: Decision<T> | undefined;
    let record: LogRecord | undefined;
    const applied: Applied = { present: false, failure: undefined };
    log
      .appendDecided(
        () => {
          decision = decide();
          record = decision.ops === undefined ? undefined : recordOf(decision.ops);
          return record;
        },
        () => this.#applyOwn(decision!.ops!, applied),
      )
      .then(
        (appended) => {
          release();
          if (applied.failure) {
            settle.reject(applied.failure);
            return;
          }
          if (appended) this.#compactor.afterAppend();
          settle.resolve(decision!.result);
        },
        (error: unknown) => {
          release();
          settle.reject(record === undefined ? error : storeInputError(error, record));
        },
      );
  }

  /** Applies this store's own durable `ops` to memory and tells the listeners; notes a refusal in `applied`. */
  #applyOwn(ops: BatchOp | readonly BatchOp[], applied: Applied): void {
    try {
      applied.present = this.inner.applyUnlocked(ops);
    } catch (cause) {
      applied.failure = this.#diverge(cause);
      return;
    }
    this.#position++;
    if (this.#appliedListeners.size > 0) this.#applied(ops);
  }

  /**
   * Appends `record` holding locks that `release` frees once the append settled; applies `ops`
   * to memory when durable. Settles `later` when given, else returns the promise to settle the
   * caller with. Resolves `present` (whether the first op's key was there) if `answer`, else
   * `result`.
   */
  #append(
    record: LogRecord,
    ops: BatchOp | readonly BatchOp[],
    answer: boolean,
    release: Release,
    later: Deferred | undefined,
    result?: boolean,
  ): Promise<boolean | undefined> | undefined {
    const applied: Applied = { present: false, failure: undefined };
    const onDurable = (): void => this.#applyOwn(ops, applied);
    let appended: Promise<void>;
    try {
      appended = this.#wal.append(record, onDurable);
    } catch (error) {
      release();
      if (later === undefined) return Promise.reject(storeInputError(error, record));
      later.reject(storeInputError(error, record));
      return undefined;
    }
    const done = (): boolean | undefined => {
      release();
      if (applied.failure) throw applied.failure;
      this.#compactor.afterAppend();
      return answer ? applied.present : result;
    };
    const failed = (error: unknown): never => {
      release();
      throw storeInputError(error, record);
    };
    if (later === undefined) return appended.then(done, failed);
    appended.then(
      () => {
        let value: boolean | undefined;
        try {
          value = done();
        } catch (error) {
          later.reject(error);
          return;
        }
        later.resolve(value);
      },
      (error: unknown) => {
        release();
        later.reject(storeInputError(error, record));
      },
    );
    return undefined;
  }

  clear(range?: ScanOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#checkWritable();
      const bounds = keyBounds(range);
      const limited = range?.limit !== undefined && range.limit !== Number.POSITIVE_INFINITY;
      if (bounds === undefined || range?.limit === 0) {
        resolve();
        return;
      }
      // A log other nodes append to gets a CLEAR record every node applies; the local log
      // replaces a whole clear by an empty snapshot (below), which also frees its space.
      const replicated = this.#wal.appendDecided !== undefined;
      if (limited || !isEveryKey(bounds) || replicated) {
        this.inner.acquire(EVERY_KEY, 'exclusive', (release) => {
          this.#clearRange(range ?? {}, bounds, limited, release).then(resolve, reject);
        });
        return;
      }
      // Every lock, taken now: writes called before clear() apply before it, later ones after.
      this.inner.acquire(EVERY_KEY, 'exclusive', (release) => {
        this.#compactor
          .supersede(async () => {
            // No write holds a lock now, so nothing is in flight: an empty snapshot at a fresh
            // cut removes everything durably without writing one huge record.
            const cut = await this.#wal.rotate();
            await this.#wal.installSnapshot(cut, async () => {});
            this.inner.clearUnlocked();
            this.#position++;
            if (this.#appliedListeners.size > 0) this.#applied('every key');
          })
          .finally(release)
          .then(resolve, reject);
      });
    });
  }

  /**
   * The clear as one `CLEAR` record, holding every lock (`release` frees them once it settled):
   * nothing of this store is in flight, so memory is the state the record applies to. The
   * record has the range's bounds, or, under a `limit`, the bounds of exactly the keys it removes
   * (the first and last of the walk), and applies once durable.
   *
   * On the local log, nothing is logged when no key is in range. On a log other nodes append to,
   * memory may not hold their latest records: an unlimited clear is logged whatever memory holds
   * (it reads nothing), and a limited one, which picks its keys from memory, is a conditional
   * write (`appendDecided`): the log re-picks them if another record landed meanwhile.
   */
  #clearRange(
    range: ScanOptions,
    bounds: KeyBounds,
    limited: boolean,
    release: Release,
  ): Promise<void> {
    const log = this.#wal;
    const replicated = log.appendDecided !== undefined;
    const decide = (): ClearRecord | undefined => {
      if (limited) {
        const keys = [...this.inner.keys(range)];
        if (keys.length === 0) return undefined;
        const [low, high] =
          range.reverse === true ? [keys.at(-1)!, keys[0]!] : [keys[0]!, keys.at(-1)!];
        return { type: 'clear', gte: low, lte: high };
      }
      if (!replicated && this.inner.keys({ ...bounds, limit: 1 }).next().done === true) {
        return undefined;
      }
      return { type: 'clear', ...bounds };
    };
    let record: ClearRecord | undefined;
    let failure: Error | undefined;
    const onDurable = (): void => {
      try {
        const ops = applyClear(this.inner, record!, this.#appliedListeners.size > 0);
        this.#position++;
        if (ops !== undefined && this.#appliedListeners.size > 0) this.#applied(ops);
      } catch (cause) {
        failure = this.#diverge(cause);
      }
    };
    let appended: Promise<unknown>;
    try {
      if (limited && log.appendDecided !== undefined) {
        appended = log.appendDecided(() => {
          record = decide();
          return record;
        }, onDurable);
      } else {
        record = decide();
        if (record === undefined) return settleEmpty(release);
        appended = log.append(record, onDurable);
      }
    } catch (error) {
      release();
      return Promise.reject(storeInputError(error, record ?? CLEAR_EVERY_KEY));
    }
    return appended.then(
      (logged) => {
        release();
        if (failure) throw failure;
        if (logged !== false) this.#compactor.afterAppend();
      },
      (error: unknown) => {
        release();
        throw storeInputError(error, record ?? CLEAR_EVERY_KEY);
      },
    );
  }

  sync(): Promise<void> {
    if (this.#closing) return Promise.reject(closedError());
    return this.#wal.sync();
  }

  compact(): Promise<CompactionReport> {
    if (this.#closing) return Promise.reject(closedError());
    return this.#compactor.run();
  }

  backup(target: string): Promise<BackupReport> {
    const started = performance.now();
    try {
      this.#checkWritable();
      if (this.#backup === undefined) {
        throw new DurableStoreError(
          'DURABLE_BACKUP_UNSUPPORTED',
          "backup() writes a local log directory and is not supported on a log passed as options.log: back up with that log's own tools.",
        );
      }
      if (typeof target !== 'string' || target === '') {
        throw new DurableStoreError(
          'DURABLE_INVALID_OPTIONS',
          'backup() needs the path of a new directory to write the copy to.',
        );
      }
    } catch (error) {
      return Promise.reject(error);
    }
    // Writes apply to memory synchronously, in log order: a snapshot taken now, with the count
    // of records applied so far, is the state at exactly that point of the log.
    const source = { snapshot: this.inner.snapshot(), position: this.#position, started };
    return backupSnapshot(source, target, this.#backup, () =>
      this.#closing ? backupStoppedError() : undefined,
    );
  }

  stats(): DurableStats {
    return {
      ...this.#wal.stats(),
      ...this.#compactor.stats(),
    };
  }

  health(): DurableHealth {
    const { poisoned, closed } = this.#wal.stats();
    if (poisoned) {
      const code = (poisoned as { code?: unknown }).code;
      return {
        ok: false,
        code: typeof code === 'string' ? code : 'WAL_POISONED',
        message: `The log is poisoned, writes are refused (reads still work): ${poisoned.message}. Reopen the store to recover.`,
      };
    }
    if (this.#diverged) {
      return { ok: false, code: this.#diverged.code, message: this.#diverged.message };
    }
    if (this.#closing || closed) {
      return {
        ok: false,
        code: 'STORE_CLOSED',
        message: 'The store is closed: open it again to write.',
      };
    }
    return { ok: true };
  }

  close(): Promise<void> {
    // Watches end once the log is closed: every write that became durable reached them first.
    this.#closing ??= this.#closeNow().finally(() => this.#feed?.end());
    return this.#closing;
  }

  async #closeNow(): Promise<void> {
    // Let writes that started before close() finish (they hold or queue for key locks), and a
    // running compaction stop at its next slice; but never wait longer than the log's close
    // timeout for them: a write stuck in a hung fsync is rejected by the log's own close.
    const drained = new Promise<void>((resolve) => {
      this.inner.acquire(EVERY_KEY, 'exclusive', (release) => {
        release();
        resolve();
      });
    })
      .then(() => this.#compactor.idle())
      .catch(() => {});
    await settleWithin(drained, this.#closeTimeoutMs);
    let failure: unknown;
    try {
      await this.#wal.close();
    } catch (error) {
      failure = error;
    }
    if (failure === undefined) {
      await this.inner.close();
      return;
    }
    // A write may still be stuck in the log (a hung fsync) holding its key's lock: the wrapped
    // store finishes closing when it returns; do not wait for that longer than the timeout.
    await settleWithin(this.inner.close(), this.#closeTimeoutMs);
    throw failure;
  }

  /** Validates a write of `value` under `key` and returns its op, with the store's own copy of the value. */
  #setOp(key: string, value: Uint8Array): BatchOp {
    this.#checkWritable();
    checkKey(key, this.#maxKeyBytes);
    checkValue(value);
    return { type: 'set', key, value: copyValue(value) };
  }

  #checkWritable(): void {
    if (this.#closing) throw closedError();
    if (this.#diverged) throw this.#diverged;
  }

  /** Records that memory no longer matches the log; every later write is refused with the error. */
  #diverge(cause: unknown): DurableStoreError {
    this.#diverged ??= new DurableStoreError(
      'DURABLE_APPLY_FAILED',
      `A write reached the log but the wrapped store refused it (${String(cause)}); memory no longer matches the log, so writes are refused. Fix the cause (e.g. use more shards) and reopen.`,
      { cause },
    );
    return this.#diverged;
  }
}

/** The log record of `ops`: the op itself, or one batch of several. */
/** The record a clear's error is told of when its bounds were not picked yet (a failed pick). */
const CLEAR_EVERY_KEY: ClearRecord = { type: 'clear' };

function recordOf(ops: BatchOp | readonly BatchOp[]): LogRecord {
  return Array.isArray(ops) ? { type: 'batch', ops: ops as readonly BatchOp[] } : (ops as BatchOp);
}

/** The keys `ops` wrote, as `onApplied` tells them. */
function keysOf(ops: AppliedOps): AppliedKeys {
  if (ops === 'every key') return ops;
  if (isAppliedClear(ops)) return ops.keys;
  return Array.isArray(ops) ? ops.map((op: BatchOp) => op.key) : [(ops as BatchOp).key];
}

function ignore(): void {}

/** Frees the locks of a clear that found nothing to remove, and resolves. */
function settleEmpty(release: Release): Promise<void> {
  release();
  return Promise.resolve();
}

/** Resolves when `promise` settles or after `ms`, whichever comes first (the timer never keeps the process alive). */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([promise.then(ignore, ignore), timeout]).finally(() => clearTimeout(timer));
}

function backupStoppedError(): StoreError {
  return new StoreError(
    'STORE_CLOSED',
    'The backup stopped because the store is closing; nothing was left under its target. Take it again once the store is open.',
  );
}

function closedError(): StoreError {
  return new StoreError('STORE_CLOSED', 'The durable store is closed: open it again to write.');
}
