import type { LockMode } from './contract.js';

/** Called when a queued request is granted; it then holds the lock until it calls `release`. */
export type Grant = () => void;

interface Waiter {
  readonly mode: LockMode;
  readonly grant: Grant;
}

/**
 * A FIFO-fair readers-writer lock for async code.
 *
 * Shared holders run together, an exclusive holder runs alone. Requests are granted in arrival
 * order: once anyone waits, a newcomer queues behind it, so an exclusive waiter is never starved
 * by a stream of shared holders (and consecutive shared waiters at the head are granted together).
 *
 * The uncontended path allocates nothing: {@link RwLock.tryAcquire} is a counter update, and
 * {@link RwLock.request} calls its grant synchronously when the lock is free. Grants are handed
 * over synchronously inside `release`, so the holder that is granted next is fixed at release
 * time and no newcomer can barge in between.
 */
export class RwLock {
  #readers = 0;
  #writer = false;
  #queue: Waiter[] = [];
  #head = 0;
  #draining = false;

  /** Shared holders right now. */
  get readers(): number {
    return this.#readers;
  }

  /** Whether an exclusive holder holds the lock right now. */
  get locked(): boolean {
    return this.#writer;
  }

  /** Requests waiting to be granted. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** Takes the lock in `mode` if that is possible right now without overtaking a waiter; returns whether it did. */
  tryAcquire(mode: LockMode): boolean {
    if (this.#writer || this.#head < this.#queue.length) return false;
    if (mode === 'shared') {
      this.#readers++;
      return true;
    }
    if (this.#readers > 0) return false;
    this.#writer = true;
    return true;
  }

  /**
   * Takes the lock in `mode` and then calls `grant`: at once if {@link tryAcquire} succeeds,
   * otherwise from inside the `release` that frees it, in FIFO order. `grant` must not throw
   * (an exception is rethrown asynchronously as an uncaught error) and must eventually call
   * {@link release} with the same mode.
   */
  request(mode: LockMode, grant: Grant): void {
    if (this.tryAcquire(mode)) {
      runGrant(grant);
      return;
    }
    this.#queue.push({ mode, grant });
  }

  /** Resolves once the lock is held in `mode`; the caller must then call {@link release}. */
  acquire(mode: LockMode): Promise<void> {
    if (this.tryAcquire(mode)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#queue.push({ mode, grant: resolve });
    });
  }

  /** Releases one hold taken in `mode` and grants the next waiters. Throws a `RangeError` if nothing is held in that mode. */
  release(mode: LockMode): void {
    if (mode === 'shared') {
      if (this.#readers === 0) throw new RangeError('RwLock.release(shared) without a shared hold');
      this.#readers--;
    } else {
      if (!this.#writer)
        throw new RangeError('RwLock.release(exclusive) without an exclusive hold');
      this.#writer = false;
    }
    this.#drain();
  }

  /** Runs `critical` holding the lock in `mode`, and releases it when the returned promise settles. */
  async run<T>(mode: LockMode, critical: () => T | Promise<T>): Promise<T> {
    if (!this.tryAcquire(mode)) await this.acquire(mode);
    try {
      return await critical();
    } finally {
      this.release(mode);
    }
  }

  #drain(): void {
    // A grant may release synchronously (in-memory writes do); the outer loop keeps granting.
    if (this.#draining) return;
    this.#draining = true;
    try {
      const queue = this.#queue;
      while (this.#head < queue.length) {
        const next = queue[this.#head]!;
        if (next.mode === 'exclusive') {
          if (this.#writer || this.#readers > 0) break;
          this.#writer = true;
        } else {
          if (this.#writer) break;
          this.#readers++;
        }
        queue[this.#head] = undefined as unknown as Waiter;
        this.#head++;
        runGrant(next.grant);
      }
      if (this.#head === queue.length) {
        queue.length = 0;
        this.#head = 0;
      } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
        this.#queue = queue.slice(this.#head);
        this.#head = 0;
      }
    } finally {
      this.#draining = false;
    }
  }
}

function runGrant(grant: Grant): void {
  try {
    grant();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
