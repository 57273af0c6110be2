import { EventEmitter } from 'node:events';
import { type BatchOp, type LockableStore, type ScanOptions, StoreError } from '@hermes/store';
import type { LogRecord, OpenReport, Wal } from '@hermes/wal';
import { DurableStoreError } from './errors.js';
import { Mutex } from './mutex.js';
import { compactionDue, type ResolvedCompaction } from './options.js';
import { writeLiveEntries } from './snapshot.js';
import type {
  CompactionReport,
  DurableHealth,
  DurableStats,
  DurableStore,
  DurableStoreEvents,
} from './types.js';
import { checkBatch, checkKey, checkValue, copyValue, sameBytes } from './validate.js';

/** Appends between two cheap checks of whether automatic compaction is due. */
const CHECK_EVERY_APPENDS = 32;

/**
 * The durable decorator: writes go to the log first and reach the wrapped store only once
 * durable (in the log's `onDurable` callback, which runs in log order); reads are served by the
 * wrapped store. Built by {@link openDurableStore}.
 */
export class DurableStoreImpl<S extends LockableStore>
  extends EventEmitter<DurableStoreEvents>
  implements DurableStore<S>
{
  /** What opening did. */
  readonly report: OpenReport;
  /** The wrapped in-memory store. */
  readonly inner: S;
  readonly #wal: Wal;
  /** The wrapped store's single-key fast path, when it offers all of it. */
  readonly #fast: FastPath | undefined;
  readonly #compaction: ResolvedCompaction;
  readonly #closeTimeoutMs: number;
  /** Serializes compactions and `clear()` (both install snapshots). */
  readonly #maintenance = new Mutex();
  #closing: Promise<void> | undefined;
  #diverged: DurableStoreError | undefined;
  #compactions = 0;
  #compactionFailures = 0;
  #failuresInRow = 0;
  #lastCompaction: CompactionReport | null = null;
  #lastCompactionError: Error | null = null;
  #nextAutoAt = 0;
  #backoffMs = 0;
  #appendsSinceCheck = 0;
  #autoRunning = false;

  constructor(
    inner: S,
    wal: Wal,
    report: OpenReport,
    compaction: ResolvedCompaction,
    closeTimeoutMs: number,
  ) {
    super();
    this.#closeTimeoutMs = closeTimeoutMs;
    this.inner = inner;
    this.#fast = fastPathOf(inner);
    this.#wal = wal;
    this.report = report;
    this.#compaction = compaction;
  }

  /** Called by the log's observer when it is poisoned; emits `poisoned` outside the log's actor. */
  notifyPoisoned(error: Error): void {
    process.nextTick(() => this.emit('poisoned', error));
  }

  get size(): number {
    return this.inner.size;
  }

  get(key: string): Uint8Array | undefined {
    return this.inner.get(key);
  }

  has(key: string): boolean {
    return this.inner.has(key);
  }

  entries(options?: ScanOptions): IterableIterator<[key: string, value: Uint8Array]> {
    return this.inner.entries(options);
  }

  keys(options?: ScanOptions): IterableIterator<string> {
    return this.inner.keys(options);
  }

  set(key: string, value: Uint8Array): Promise<void> {
    let op: SetOp;
    let index = -1;
    try {
      this.#checkWritable();
      checkKey(key);
      checkValue(value);
      op = { type: 'set', key, value: copyValue(value) };
      if (this.#fast !== undefined) index = this.#fast.lockIndexOf(key);
    } catch (error) {
      return Promise.reject(error);
    }
    if (index >= 0 && this.#fast!.tryLockIndex(index, 'shared')) {
      return this.#fastWrite(this.#fast!, index, op, false) as Promise<void>;
    }
    return this.#unconditional([key], [op], op, false) as Promise<void>;
  }

  delete(key: string): Promise<boolean> {
    let op: DeleteOp;
    let index = -1;
    try {
      this.#checkWritable();
      checkKey(key);
      op = { type: 'delete', key };
      if (this.#fast !== undefined) index = this.#fast.lockIndexOf(key);
    } catch (error) {
      return Promise.reject(error);
    }
    if (index >= 0 && this.#fast!.tryLockIndex(index, 'shared')) {
      return this.#fastWrite(this.#fast!, index, op, true) as Promise<boolean>;
    }
    return this.#unconditional([key], [op], op, true) as Promise<boolean>;
  }

  batch(ops: readonly BatchOp[]): Promise<void> {
    let own: BatchOp[];
    try {
      this.#checkWritable();
      own = checkBatch(ops);
    } catch (error) {
      return Promise.reject(error);
    }
    if (own.length === 0) return Promise.resolve();
    const keys = own.map((op) => op.key);
    return this.#unconditional(keys, own, { type: 'batch', ops: own }, false) as Promise<void>;
  }

  /**
   * The unconditional write path: hold the keys `shared` across the append (so concurrent
   * writes share an fsync), apply to memory in `onDurable` (synchronously, in log order).
   * Resolves, if `answer`, whether the first op's key was present when the record applied (what
   * `delete` returns), else `undefined`. The caller's promise settles from the first reaction to
   * the log's promise, exactly as {@link #fastWrite}'s does: every unconditional write, whichever
   * path it took, is acknowledged in log order.
   */
  #unconditional(
    keys: readonly string[],
    ops: readonly BatchOp[],
    record: LogRecord,
    answer: boolean,
  ): Promise<boolean | undefined> {
    return new Promise<boolean | undefined>((resolve, reject) => {
      let existed = false;
      let failure: Error | undefined;
      const onDurable = (): void => {
        try {
          existed = this.inner.applyUnlocked(ops)[0] === true;
        } catch (cause) {
          failure = this.#diverge(cause);
        }
      };
      const settle = (): void => {
        if (failure) {
          reject(failure);
          return;
        }
        this.#afterAppend();
        resolve(answer ? existed : undefined);
      };
      // withLock holds the keys until the append settled; it rejects by itself only when the
      // lock cannot be taken (closed store), after which `reject` is a no-op if already settled.
      this.inner
        .withLock(keys, 'shared', () => this.#wal.append(record, onDurable).then(settle, reject))
        .catch(reject);
    });
  }

  /**
   * {@link #unconditional} for one key whose lock `tryLockIndex` already took `shared`: the
   * same discipline (held across the append, memory applied in `onDurable`, released once the
   * append settles) without the arrays, closures and extra promise of a general `withLock`.
   */
  #fastWrite(
    inner: FastPath,
    index: number,
    op: SetOp | DeleteOp,
    answer: boolean,
  ): Promise<boolean | undefined> {
    let existed = false;
    let failure: Error | undefined;
    const onDurable = (): void => {
      try {
        existed =
          op.type === 'set'
            ? inner.setUnlocked(op.key, op.value, index)
            : inner.deleteUnlocked(op.key, index);
      } catch (cause) {
        failure = this.#diverge(cause);
      }
    };
    let appended: Promise<void>;
    try {
      appended = this.#wal.append(op, onDurable);
    } catch (error) {
      inner.unlockIndex(index, 'shared');
      return Promise.reject(error);
    }
    return appended.then(
      () => {
        inner.unlockIndex(index, 'shared');
        if (failure) throw failure;
        this.#afterAppend();
        return answer ? existed : undefined;
      },
      (error: unknown) => {
        inner.unlockIndex(index, 'shared');
        throw error;
      },
    );
  }

  async putIfAbsent(key: string, value: Uint8Array): Promise<boolean> {
    this.#checkWritable();
    checkKey(key);
    checkValue(value);
    const ops: BatchOp[] = [{ type: 'set', key, value: copyValue(value) }];
    let failure: Error | undefined;
    const done = await this.inner.withLock([key], 'exclusive', async () => {
      if (this.inner.has(key)) return false;
      await this.#wal.append(ops[0]!, () => {
        failure = this.#applyDurable(ops);
      });
      return true;
    });
    if (failure) throw failure;
    if (done) this.#afterAppend();
    return done;
  }

  async compareAndSet(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
  ): Promise<boolean> {
    this.#checkWritable();
    checkKey(key);
    if (expected !== undefined) checkValue(expected);
    if (next !== undefined) checkValue(next);
    const ops: BatchOp[] = [
      next === undefined ? { type: 'delete', key } : { type: 'set', key, value: copyValue(next) },
    ];
    const want = expected === undefined ? undefined : copyValue(expected);
    let appended = false;
    let failure: Error | undefined;
    const done = await this.inner.withLock([key], 'exclusive', async () => {
      const current = this.inner.get(key);
      if (!sameBytes(current, want)) return false;
      // Absent stays absent: the check is the whole effect, nothing to log.
      if (current === undefined && next === undefined) return true;
      await this.#wal.append(ops[0]!, () => {
        failure = this.#applyDurable(ops);
      });
      appended = true;
      return true;
    });
    if (failure) throw failure;
    if (appended) this.#afterAppend();
    return done;
  }

  async clear(): Promise<void> {
    this.#checkWritable();
    await this.#maintenance.run(() =>
      this.inner.withLock('all', 'exclusive', async () => {
        // No write holds a lock now, so nothing is in flight: an empty snapshot at a fresh cut
        // removes everything durably without writing one huge record.
        const cut = await this.#wal.rotate();
        await this.#wal.installSnapshot(cut, async () => {});
        this.inner.clearUnlocked();
      }),
    );
  }

  sync(): Promise<void> {
    if (this.#closing) return Promise.reject(closedError());
    return this.#wal.sync();
  }

  compact(): Promise<CompactionReport> {
    if (this.#closing) return Promise.reject(closedError());
    return this.#maintenance.run(() => this.#compactNow());
  }

  stats(): DurableStats {
    return {
      ...this.#wal.stats(),
      compactions: this.#compactions,
      compactionFailures: this.#compactionFailures,
      lastCompaction: this.#lastCompaction,
      lastCompactionError: this.#lastCompactionError,
      compacting: this.#maintenance.busy,
      compactionBackoffMs: this.#backoffMs,
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
    this.#closing ??= this.#closeNow();
    return this.#closing;
  }

  async #closeNow(): Promise<void> {
    // Let writes that started before close() finish (they hold or queue for key locks), and a
    // running compaction stop at its next slice; but never wait longer than the log's close
    // timeout for them: a write stuck in a hung fsync is rejected by the log's own close.
    const drained = this.inner
      .withLock('all', 'exclusive', () => this.#maintenance.run(async () => {}))
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

  #checkWritable(): void {
    if (this.#closing) throw closedError();
    if (this.#diverged) throw this.#diverged;
  }

  /**
   * Applies durable ops to memory inside the log's `onDurable` (synchronously, in log order).
   * Never throws into the log's actor: if the wrapped store refuses (e.g. `STORE_FULL`), memory
   * no longer matches the log, so further writes are refused and the error is returned.
   */
  #applyDurable(ops: readonly BatchOp[]): Error | undefined {
    try {
      this.inner.applyUnlocked(ops);
      return undefined;
    } catch (cause) {
      return this.#diverge(cause);
    }
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

  async #compactNow(): Promise<CompactionReport> {
    if (this.#closing) throw closedError();
    const started = performance.now();
    const bytesBefore = this.#wal.stats().logBytes;
    let entries = 0;
    try {
      const cut = await this.inner.withLock('all', 'exclusive', () => this.#wal.rotate());
      await this.#wal.installSnapshot(cut, async (writer) => {
        entries = await writeLiveEntries(this.inner, writer, () =>
          this.#closing
            ? new DurableStoreError(
                'DURABLE_COMPACTION_ABORTED',
                'Compaction stopped because the store is closing; the old log is intact.',
              )
            : undefined,
        );
      });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // Stopped by close(): not a failure of the log, nothing to back off from.
      if (this.#closing) throw err;
      this.#compactionFailures++;
      this.#failuresInRow++;
      this.#lastCompactionError = err;
      const { backoffMs, maxBackoffMs } = this.#compaction;
      this.#backoffMs = Math.min(maxBackoffMs, backoffMs * 2 ** (this.#failuresInRow - 1));
      this.#nextAutoAt = Date.now() + this.#backoffMs;
      this.emit('compaction-failed', err);
      throw err;
    }
    const report: CompactionReport = {
      bytesBefore,
      bytesAfter: this.#wal.stats().logBytes,
      entries,
      durationMs: performance.now() - started,
    };
    this.#compactions++;
    this.#failuresInRow = 0;
    this.#backoffMs = 0;
    this.#nextAutoAt = 0;
    this.#lastCompaction = report;
    this.#lastCompactionError = null;
    this.emit('compaction', report);
    return report;
  }

  /** Cheap check after appends: starts one automatic compaction when the log outgrew the data. */
  #afterAppend(): void {
    if (!this.#compaction.enabled || this.#autoRunning) return;
    if (++this.#appendsSinceCheck < CHECK_EVERY_APPENDS) return;
    this.#appendsSinceCheck = 0;
    if (this.#closing || this.#maintenance.busy) return;
    if (this.#nextAutoAt !== 0 && Date.now() < this.#nextAutoAt) return;
    const { logBytes, snapshotBytes, poisoned } = this.#wal.stats();
    if (poisoned || !compactionDue(this.#compaction, logBytes, snapshotBytes)) return;
    this.#autoRunning = true;
    this.compact()
      .catch(() => {
        // Reported through 'compaction-failed' and stats(); the old log stays in use.
      })
      .finally(() => {
        this.#autoRunning = false;
      });
  }
}

type SetOp = Extract<BatchOp, { type: 'set' }>;
type DeleteOp = Extract<BatchOp, { type: 'delete' }>;

/** The optional single-key methods of `LockableStore`, all present. */
type FastPath = Required<
  Pick<
    LockableStore,
    'lockIndexOf' | 'tryLockIndex' | 'unlockIndex' | 'setUnlocked' | 'deleteUnlocked'
  >
>;

/** `store` itself if it has every method of the single-key fast path, else `undefined`. */
function fastPathOf(store: LockableStore): FastPath | undefined {
  return typeof store.lockIndexOf === 'function' &&
    typeof store.tryLockIndex === 'function' &&
    typeof store.unlockIndex === 'function' &&
    typeof store.setUnlocked === 'function' &&
    typeof store.deleteUnlocked === 'function'
    ? (store as FastPath)
    : undefined;
}

function ignore(): void {}

/** Resolves when `promise` settles or after `ms`, whichever comes first (the timer never keeps the process alive). */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([promise.then(ignore, ignore), timeout]).finally(() => clearTimeout(timer));
}

function closedError(): StoreError {
  return new StoreError('STORE_CLOSED', 'The durable store is closed: open it again to write.');
}
