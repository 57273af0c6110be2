import { FILE_HEADER, type LogRecord } from '@hermes/record';
import type { WalError, WalErrorCode } from '../errors.js';
import type { AppendFile, FileSystem, WalObserver } from '../types.js';
import type { LogState } from './log-state.js';
import type { AppendQueue, Commit } from './queue.js';
import { createSegment } from './segment-file.js';

/** What the actor needs to know; resolved options of `openWal`. */
export interface ActorConfig {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly sync: number;
  readonly segmentBytes: number;
  readonly maxCommitBytes: number;
  readonly observer: WalObserver | undefined;
  /** The log's state, shared with `OpenWal`: the actor poisons it. */
  readonly state: LogState;
}

/** Counters the actor keeps for `stats()`. */
export interface ActorCounters {
  appends: number;
  commits: number;
  fsyncs: number;
  /** Bytes written to segments since open (headers included). */
  bytesWritten: number;
}

interface SyncWaiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface Barrier {
  /** Runs when exactly `at` records have been written. */
  readonly at: number;
  readonly run: () => Promise<void>;
  readonly reject: (error: unknown) => void;
}

/**
 * The one consumer that owns the current segment's file handle. Each turn it takes every pending
 * append (up to `maxCommitBytes`), writes them with one `write` and, under `sync === 0`, one
 * `datasync`, then settles them in log order. Appends arriving meanwhile gather for the next turn
 * (group commit). Under `sync > 0`, appends settle after the write and an unref'd ticker fsyncs.
 * A failed write or fsync poisons it for good.
 */
export class LogActor {
  readonly counters: ActorCounters = { appends: 0, commits: 0, fsyncs: 0, bytesWritten: 0 };
  readonly #config: ActorConfig;
  readonly #queue: AppendQueue;
  #file: AppendFile;
  #seq: number;
  /** Records accepted (queued or waiting), written to the OS, and known durable. */
  #accepted = 0;
  #written = 0;
  #durable = 0;
  /** When the oldest write not yet covered by an fsync completed (ms, `performance.now()`). */
  #unsyncedSince = 0;
  #running = false;
  /** The commit being written or fsynced, if any. */
  #inFlight: Commit | null = null;
  #syncing: Promise<void> | null = null;
  #syncWaiters: SyncWaiter[] = [];
  #barriers: Barrier[] = [];
  #idleWaiters: (() => void)[] = [];
  readonly #state: LogState;
  #ticker: NodeJS.Timeout | undefined;
  readonly #run = (): void => void this.#loop();

  constructor(config: ActorConfig, queue: AppendQueue, file: AppendFile, seq: number) {
    this.#config = config;
    this.#state = config.state;
    this.#queue = queue;
    this.#file = file;
    this.#seq = seq;
    if (config.sync > 0) {
      this.#ticker = setInterval(() => this.#tick(), config.sync);
      this.#ticker.unref();
    }
  }

  /** Sequence number of the segment being appended to. */
  get segment(): number {
    return this.#seq;
  }

  /** Bytes in the current segment. */
  get segmentSize(): number {
    return this.#file.size;
  }

  /** Milliseconds the oldest unsynced write has waited for an fsync (0 if none). */
  get fsyncLagMs(): number {
    return this.#written > this.#durable ? performance.now() - this.#unsyncedSince : 0;
  }

  /**
   * Encodes and queues a record; the actor settles the promise it returns. Caller checks
   * closed/poisoned first.
   * @throws RecordError when the record cannot be encoded (nothing is queued).
   */
  append(record: LogRecord, onDurable: (() => void) | undefined): Promise<void> {
    const promise = this.#queue.push(record, onDurable);
    this.#accepted++;
    if (!this.#running) {
      this.#running = true;
      queueMicrotask(this.#run);
    }
    return promise;
  }

  /** Resolves once every record accepted so far is fsynced (forcing an fsync). */
  sync(): Promise<void> {
    if (this.#state.poison !== null) return Promise.reject(this.#state.rejection());
    const target = this.#accepted;
    if (target <= this.#durable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#syncWaiters.push({ target, resolve, reject });
      this.#wake();
    });
  }

  /**
   * Cuts a new segment after every record accepted so far; resolves its number. An empty current
   * segment (header only) is kept and its number returned.
   */
  rotate(): Promise<number> {
    if (this.#state.poison !== null) return Promise.reject(this.#state.rejection());
    return new Promise((resolve, reject) => {
      this.#barriers.push({
        at: this.#accepted,
        run: async () => {
          try {
            if (this.#file.size > FILE_HEADER.length) await this.#rotateFile();
            resolve(this.#seq);
          } catch (error) {
            reject(error);
          }
        },
        reject,
      });
      this.#wake();
    });
  }

  /** Resolves when nothing is queued, waiting or in flight (or the log is poisoned). */
  whenIdle(): Promise<void> {
    if (!this.#running && this.#queue.empty && this.#barriers.length === 0)
      return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops the ticker and closes the file (after `whenIdle`). */
  async close(): Promise<void> {
    this.stopTicker();
    await this.#file.close();
  }

  /** Stops the fsync ticker. */
  stopTicker(): void {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  /**
   * Poisons the log from outside (close timeout): everything queued, and the commit whose write
   * or fsync is stuck, rejects with `error` now (whether that commit reached the disk is unknown).
   */
  poisonWith(error: WalError): void {
    this.#setPoison(error);
    if (this.#inFlight !== null) this.#settleRejected(this.#inFlight, error);
  }

  #wake(): void {
    if (!this.#running) {
      this.#running = true;
      queueMicrotask(this.#run);
    }
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        if (this.#state.poison !== null) break;
        const barrier = this.#barriers[0];
        if (barrier !== undefined && barrier.at <= this.#written) {
          this.#barriers.shift();
          await barrier.run();
          continue;
        }
        if (this.#queue.ready > 0) {
          const limit =
            barrier === undefined ? Number.POSITIVE_INFINITY : barrier.at - this.#written;
          const commit = this.#queue.take(this.#config.maxCommitBytes, limit);
          await this.#writeCommit(commit);
          this.#settle(commit);
          if (this.#file.size >= this.#config.segmentBytes && this.#state.poison === null)
            await this.#rotateFile();
          continue;
        }
        const waiter = this.#syncWaiters[0];
        if (waiter !== undefined && waiter.target <= this.#written) {
          await this.#fsync();
          continue;
        }
        break;
      }
    } catch {
      // Every failure has poisoned the log and settled its waiters already.
    } finally {
      this.#running = false;
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Writes a commit (and fsyncs it under `sync === 0`); a failure rejects it and poisons. */
  async #writeCommit(commit: Commit): Promise<void> {
    this.#inFlight = commit;
    try {
      try {
        await this.#file.write(commit.chunks);
      } catch (error) {
        this.#fail('WAL_WRITE_FAILED', error, commit);
        throw error;
      }
      this.#queue.written(commit);
      const count = commit.count;
      if (this.#written === this.#durable) this.#unsyncedSince = performance.now();
      this.#written += count;
      const counters = this.counters;
      counters.commits++;
      counters.bytesWritten += commit.bytes;
      this.#config.observer?.commitWritten?.(count, commit.bytes);
      if (this.#config.sync === 0) {
        try {
          await this.#fsync();
        } catch (error) {
          this.#settleRejected(commit, error);
          throw error;
        }
      }
    } finally {
      this.#inFlight = null;
    }
  }

  /** Settles a written commit in log order: each append's `onDurable`, then its promise. */
  #settle(commit: Commit): void {
    if (this.#state.poison !== null) {
      this.#settleRejected(commit, this.#state.rejection());
      return;
    }
    if (commit.settled) return;
    commit.settled = true;
    const count = commit.count;
    this.counters.appends += count;
    const { resolves, durables } = commit;
    for (let i = 0; i < count; i++) {
      const onDurable = durables[i];
      if (onDurable !== undefined) {
        try {
          onDurable();
        } catch (error) {
          // The record is durable, but its caller must hear that its callback failed; later
          // appends settle as usual.
          commit.rejects[i]!(error);
          continue;
        }
      }
      resolves[i]!();
    }
    this.#queue.release(commit);
  }

  #settleRejected(commit: Commit, error: unknown): void {
    if (commit.settled) return;
    commit.settled = true;
    for (const reject of commit.rejects) reject(error);
    this.#queue.release(commit);
  }

  /** One fdatasync covering every write completed so far; shares one already running. */
  #fsync(): Promise<void> {
    if (this.#state.poison !== null) return Promise.reject(this.#state.rejection());
    if (this.#syncing !== null) {
      return this.#syncing.then(() => (this.#durable < this.#written ? this.#fsync() : undefined));
    }
    const target = this.#written;
    const started = performance.now();
    const syncing = this.#file.datasync().then(
      () => {
        this.#syncing = null;
        this.counters.fsyncs++;
        if (target > this.#durable) this.#durable = target;
        // Writes that completed while this fsync ran are not covered: their lag starts now.
        if (this.#written > this.#durable) this.#unsyncedSince = started;
        this.#config.observer?.synced?.(performance.now() - started);
        this.#resolveSyncWaiters();
      },
      (error: unknown) => {
        this.#syncing = null;
        this.#fail('WAL_SYNC_FAILED', error, null);
        throw this.#state.poison;
      },
    );
    this.#syncing = syncing;
    return syncing;
  }

  #resolveSyncWaiters(): void {
    const waiters = this.#syncWaiters;
    let n = 0;
    while (n < waiters.length && waiters[n]!.target <= this.#durable) n++;
    if (n === 0) return;
    const done = waiters.splice(0, n);
    for (const waiter of done) waiter.resolve();
  }

  #tick(): void {
    if (this.#state.poison !== null || this.#syncing !== null || this.#durable >= this.#written)
      return;
    this.#fsync().catch(() => {});
  }

  /** fsyncs the current segment, closes it and creates the next one (fsynced, dir fsynced). */
  async #rotateFile(): Promise<void> {
    try {
      while (this.#syncing !== null) await this.#syncing;
      if (this.#durable < this.#written) await this.#fsync();
    } catch {
      throw this.#state.poison;
    }
    const next = this.#seq + 1;
    try {
      await this.#file.close();
      this.#file = await createSegment(this.#config.fs, this.#config.dir, next);
    } catch (error) {
      this.#fail('WAL_WRITE_FAILED', error, null);
      throw this.#state.poison;
    }
    this.#seq = next;
    this.counters.bytesWritten += FILE_HEADER.length;
  }

  #fail(
    code: Extract<WalErrorCode, 'WAL_WRITE_FAILED' | 'WAL_SYNC_FAILED'>,
    cause: unknown,
    commit: Commit | null,
  ): void {
    const error = this.#state.ioFailedError(code, cause);
    if (commit !== null) this.#settleRejected(commit, error);
    this.#setPoison(error);
  }

  #setPoison(error: WalError): void {
    if (!this.#state.poisonWith(error)) return;
    this.stopTicker();
    const rejection = this.#state.rejection();
    const syncError = error.code === 'WAL_SYNC_FAILED' ? error : rejection;
    this.#queue.rejectAll(rejection);
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const waiter of waiters) waiter.reject(syncError);
    const barriers = this.#barriers;
    this.#barriers = [];
    for (const barrier of barriers) barrier.reject(rejection);
    if (error.code === 'WAL_SYNC_FAILED' || error.code === 'WAL_WRITE_FAILED') {
      this.#config.observer?.poisoned?.(error);
    }
    if (!this.#running) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }
}
