import { join } from 'node:path';
import type { LogRecord } from '@hermes/record';
import { WalError } from '../errors.js';
import { snapshotTempName } from '../layout.js';
import type { DirectoryLock } from '../lock/directory-lock.js';
import type { ResolvedWalOptions } from '../options.js';
import type { SnapshotWriter, Wal, WalStats } from '../types.js';
import type { LogActor } from './actor.js';
import type { LogState } from './log-state.js';
import type { AppendQueue } from './queue.js';
import { installSnapshotFile, writeSnapshot } from './snapshot.js';

/** Sizes of the files in the log at open, for `stats()`. */
export interface InitialSizes {
  readonly segmentBytes: number;
  readonly snapshotBytes: number;
}

/**
 * The {@link Wal} `openWal` returns: a thin shell that asks the log's {@link LogState} whether a
 * call may go on and hands it to the actor (appends are encoded on the caller's side).
 */
export class OpenWal implements Wal {
  readonly #options: ResolvedWalOptions;
  readonly #state: LogState;
  readonly #actor: LogActor;
  readonly #queue: AppendQueue;
  readonly #lock: DirectoryLock;
  #closePromise: Promise<void> | undefined;
  #snapshotChain: Promise<unknown> = Promise.resolve();
  #segmentBytesAtOpen: number;
  #snapshotBytes: number;

  constructor(
    options: ResolvedWalOptions,
    state: LogState,
    actor: LogActor,
    queue: AppendQueue,
    lock: DirectoryLock,
    sizes: InitialSizes,
  ) {
    this.#options = options;
    this.#state = state;
    this.#actor = actor;
    this.#queue = queue;
    this.#lock = lock;
    this.#segmentBytesAtOpen = sizes.segmentBytes;
    this.#snapshotBytes = sizes.snapshotBytes;
  }

  append(record: LogRecord, onDurable?: () => void): Promise<void> {
    const refusal = this.#state.refusal();
    if (refusal !== null) return Promise.reject(refusal);
    try {
      return this.#actor.append(record, onDurable);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  sync(): Promise<void> {
    const refusal = this.#state.refusal();
    if (refusal !== null) return Promise.reject(refusal);
    return this.#actor.sync();
  }

  rotate(): Promise<number> {
    const refusal = this.#state.refusal();
    if (refusal !== null) return Promise.reject(refusal);
    return this.#actor.rotate();
  }

  installSnapshot(upTo: number, write: (writer: SnapshotWriter) => Promise<void>): Promise<void> {
    const refusal = this.#state.refusal();
    if (refusal !== null) return Promise.reject(refusal);
    if (!Number.isSafeInteger(upTo) || upTo < 1 || upTo > this.#actor.segment) {
      return Promise.reject(
        new WalError(
          'WAL_INVALID_OPTIONS',
          `installSnapshot(upTo) needs a segment number returned by rotate() (1..${this.#actor.segment}), got ${String(upTo)}.`,
        ),
      );
    }
    const run = this.#snapshotChain.then(() => this.#installSnapshot(upTo, write));
    this.#snapshotChain = run.catch(() => {});
    return run;
  }

  async #installSnapshot(
    upTo: number,
    write: (writer: SnapshotWriter) => Promise<void>,
  ): Promise<void> {
    const ctx = { fs: this.#options.fs, dir: this.#options.dir, limits: this.#options.limits };
    const size = await writeSnapshot(ctx, upTo, write);
    // The snapshot may reflect records still unsynced in later segments: make them durable first.
    try {
      await this.#actor.sync();
    } catch (error) {
      await ctx.fs.unlink(join(ctx.dir, snapshotTempName(upTo))).catch(() => {});
      throw error;
    }
    const removed = await installSnapshotFile(ctx, upTo);
    this.#segmentBytesAtOpen -= Math.max(0, removed - this.#snapshotBytes);
    this.#snapshotBytes = size;
  }

  stats(): WalStats {
    const counters = this.#actor.counters;
    return {
      appends: counters.appends,
      commits: counters.commits,
      fsyncs: counters.fsyncs,
      logBytes: this.#segmentBytesAtOpen + counters.bytesWritten + this.#snapshotBytes,
      snapshotBytes: this.#snapshotBytes,
      fsyncLagMs: this.#actor.fsyncLagMs,
      queuedRecords: this.#queue.records,
      queuedBytes: this.#queue.bytes,
      waitingAppends: this.#queue.waiting,
      poisoned: this.#state.poison,
      closed: this.#state.closed,
    };
  }

  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#state.beginClose();
    const { closeTimeoutMs } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = this.#state.closeTimeoutError(closeTimeoutMs);
        this.#actor.poisonWith(error);
        reject(error);
      }, closeTimeoutMs);
      // Ref'd on purpose: whoever awaits close() gets an answer even if nothing else keeps the
      // process alive; it is cleared as soon as close settles either way.
    });
    try {
      await Promise.race([this.#shutdown(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drains, fsyncs, closes the file and releases the lock; rejects if the log is poisoned. */
  async #shutdown(): Promise<void> {
    let failure: unknown = null;
    await this.#actor.whenIdle();
    await this.#snapshotChain;
    if (this.#state.poison === null) {
      try {
        await this.#actor.sync();
      } catch (error) {
        failure = error;
      }
    }
    this.#actor.stopTicker();
    try {
      await this.#actor.close();
    } catch (error) {
      failure ??= error;
    }
    try {
      await this.#lock.release();
    } catch (error) {
      failure ??= error;
    }
    this.#state.finishClose();
    failure ??= this.#state.closeFailure();
    if (failure !== null) throw failure;
  }
}
