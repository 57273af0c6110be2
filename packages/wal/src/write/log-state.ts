import { WalError, type WalErrorCode } from '../errors.js';

type Phase = 'open' | 'closing' | 'closed';

/**
 * The running log's one state machine: `open` → `closing` → `closed`; from `open` or `closing`
 * the first failed write or fsync, or a close that timed out, poisons it for good, and its cause
 * is kept. Every "may this call go on, and if not, with what error?" is answered here, and every
 * error of the running log is made here.
 */
export class LogState {
  readonly #dir: string;
  #phase: Phase = 'open';
  #poison: WalError | null = null;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The error that poisoned the log (a failed write or fsync, or a close timeout), or `null`. */
  get poison(): WalError | null {
    return this.#poison;
  }

  /** Whether `close()` has finished. */
  get closed(): boolean {
    return this.#phase === 'closed';
  }

  /** `close()` was called: from now on new calls are refused with `WAL_CLOSED`. */
  beginClose(): void {
    if (this.#phase === 'open') this.#phase = 'closing';
  }

  /** `close()` has released the file and the lock. */
  finishClose(): void {
    this.#phase = 'closed';
  }

  /** Poisons the log with `error` unless it already is (the first cause is kept); returns whether it took. */
  poisonWith(error: WalError): boolean {
    if (this.#poison !== null) return false;
    this.#poison = error;
    return true;
  }

  /** What a new call meets: `WAL_CLOSED` once closing (or closed by a timeout), `WAL_POISONED` once poisoned, else `null`. */
  refusal(): WalError | null {
    if (this.#phase !== 'open' || this.#poison?.code === 'WAL_CLOSE_TIMEOUT') {
      return this.closedError();
    }
    return this.#poison === null ? null : this.#poisonedError();
  }

  /**
   * What a call already accepted (queued, or waiting for an fsync) meets once the log is
   * poisoned: the close timeout itself if that was the cause, else `WAL_POISONED`.
   */
  rejection(): WalError {
    const cause = this.#poison;
    if (cause?.code === 'WAL_CLOSE_TIMEOUT') return cause;
    return this.#poisonedError();
  }

  /** What `close()` reports for a log poisoned by a failed write or fsync before it closed, or `null`. */
  closeFailure(): WalError | null {
    const cause = this.#poison;
    if (cause === null || cause.code === 'WAL_CLOSE_TIMEOUT') return null;
    return new WalError(
      'WAL_POISONED',
      'The log was closed, but an earlier write or fsync had failed: records acknowledged before the failure are safe, the rest were rejected. Open it again to replay what is on disk.',
      { cause },
    );
  }

  /** `WAL_CLOSED` for this log. */
  closedError(): WalError {
    return new WalError(
      'WAL_CLOSED',
      `The log in ${this.#dir} is closed. Open it again with openWal to append.`,
    );
  }

  /** `WAL_WRITE_FAILED` or `WAL_SYNC_FAILED` for a failed write or fsync of this log. */
  ioFailedError(
    code: Extract<WalErrorCode, 'WAL_WRITE_FAILED' | 'WAL_SYNC_FAILED'>,
    cause: unknown,
  ): WalError {
    const what = code === 'WAL_SYNC_FAILED' ? 'An fsync' : 'A write';
    return new WalError(
      code,
      `${what} of the log in ${this.#dir} failed (${(cause as Error)?.message ?? String(cause)}); the records it covered may be lost. The log is poisoned: close it and open it again.`,
      { cause },
    );
  }

  /** `WAL_CLOSE_TIMEOUT`: `close()` did not finish within `ms`. */
  closeTimeoutError(ms: number): WalError {
    return new WalError(
      'WAL_CLOSE_TIMEOUT',
      `Closing the log in ${this.#dir} did not finish within ${ms} ms (a write or fsync is stuck). Pending appends were rejected; the lock is released when the stuck call returns or the process exits.`,
    );
  }

  #poisonedError(): WalError {
    return new WalError(
      'WAL_POISONED',
      'An earlier write or fsync of this log failed; it takes no more appends. Close it and open it again to replay what is on disk.',
      { cause: this.#poison },
    );
  }
}
