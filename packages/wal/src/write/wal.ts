import { join } from 'node:path';
import type { LogRecord } from '@hermes/record';
import type { LogActor } from './actor.js';
import { WalError } from './errors.js';
import { snapshotTempName } from './layout.js';
import type { DirectoryLock } from './lock.js';
import type { ResolvedWalOptions } from './options.js';
import type { AppendQueue } from './queue.js';
import { installSnapshotFile, writeSnapshot } from './snapshot.js';
import type { SnapshotWriter, Wal, WalStats } from './types.js';

/** Sizes of the files in the log at open, for `stats()`. */
export interface InitialSizes {
  readonly segmentBytes: number;
  readonly snapshotBytes: number;
}

function closedError(dir: string): WalError {
  return new WalError(
    'WAL_CLOSED',
    `The log in ${dir} is closed. Open it again with openWal to append.`,
  );
}

/** The {@link Wal} `openWal` returns: checks and encodes on the caller's side, hands off to the actor. */
export class OpenWal implements Wal {
  readonly #options: ResolvedWalOptions;
  readonly #actor: LogActor;
  readonly #queue: AppendQueue;
  readonly #lock: DirectoryLock;
  #closing = false;
  #closed = false;
  #closePromise: Promise<void> | undefined;
  #snapshotChain: Promise<unknown> = Promise.resolve();
  #segmentBytesAtOpen: number;
  #snapshotBytes: number;

  constructor(
    options: ResolvedWalOptions,
    actor: LogActor,
    queue: AppendQueue,
    lock: DirectoryLock,
    sizes: InitialSizes,
  ) {
    this.#options = options;
    this.#actor = actor;
    this.#queue = queue;
    this.#lock = lock;
    this.#segmentBytesAtOpen = sizes.segmentBytes;
    this.#snapshotBytes = sizes.snapshotBytes;
  }

  #refusal(): WalError | null {
    if (this.#closing) return closedError(this.#options.dir);
    const poison = this.#actor.poison;
    if (poison !== null) {
      if (poison.code === 'WAL_CLOSE_TIMEOUT') return closedError(this.#options.dir);
      return new WalError(
        'WAL_POISONED',
        'An earlier write or fsync of this log failed; it takes no more appends. Close it and open it again to replay what is on disk.',
        { cause: poison },
      );
    }
    return null;
  }

  append(record: LogRecord, onDurable?: () => void): Promise<void> {
    const refusal = this.#refusal();
    if (refusal !== null) return Promise.reject(refusal);
    try {
      return this.#actor.append(record, onDurable);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  sync(): Promise<void> {
    const refusal = this.#refusal();
    if (refusal !== null) return Promise.reject(refusal);
    return this.#actor.sync();
  }

  rotate(): Promise<number> {
    const refusal = this.#refusal();
    if (refusal !== null) return Promise.reject(refusal);
    return this.#actor.rotate();
  }

  installSnapshot(upTo: number, write: (writer: SnapshotWriter) => Promise<void>): Promise<void> {
    const refusal = this.#refusal();
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
      batches: counters.batches,
      fsyncs: counters.fsyncs,
      logBytes: this.#segmentBytesAtOpen + counters.bytesWritten + this.#snapshotBytes,
      snapshotBytes: this.#snapshotBytes,
      fsyncLagMs: this.#actor.fsyncLagMs,
      queuedRecords: this.#queue.records,
      queuedBytes: this.#queue.bytes,
      waitingAppends: this.#queue.waiting,
      poisoned: this.#actor.poison,
      closed: this.#closed,
    };
  }

  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    const { closeTimeoutMs, dir } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new WalError(
          'WAL_CLOSE_TIMEOUT',
          `Closing the log in ${dir} did not finish within ${closeTimeoutMs} ms (a write or fsync is stuck). Pending appends were rejected; the lock is released when the stuck call returns or the process exits.`,
        );
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
    if (this.#actor.poison === null) {
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
    this.#closed = true;
    const poison = this.#actor.poison;
    if (failure === null && poison !== null && poison.code !== 'WAL_CLOSE_TIMEOUT') {
      failure = new WalError(
        'WAL_POISONED',
        'The log was closed, but an earlier write or fsync had failed: records acknowledged before the failure are safe, the rest were rejected. Open it again to replay what is on disk.',
        { cause: poison },
      );
    }
    if (failure !== null) throw failure;
  }
}
