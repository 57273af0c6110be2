import type { Granted, LockMode, Release } from './contract.js';

/** A request that could not be granted when it was made; it waits in the queue of every lock it names. */
interface Waiter {
  readonly mode: LockMode;
  /** The one lock, or the ascending distinct locks, it needs. */
  readonly locks: number | readonly number[];
  readonly granted: Granted;
}

/**
 * A table of FIFO-fair readers-writer locks numbered `0 .. size - 1`, and the one way to take
 * them: {@link LockTable.acquire}.
 *
 * A request for several locks joins the queue of every one of them at once, when it is made,
 * and is granted only when it is at the head of all of them and compatible with their holders.
 * So no later request can pass an earlier one on any lock they share (not even a shared one:
 * shared holders run together, but they start in call order), and, because every queue holds
 * requests in the order they were made, the earliest waiting request can always proceed once the
 * holders ahead of it release: there is no deadlock.
 *
 * Grants are synchronous: inside `acquire` when the locks are free, otherwise inside the
 * `release` call that frees them, so a holder acts (appends to a log, say) before any code that
 * runs later can take the same locks. The uncontended single-lock path allocates nothing: its
 * release functions are made once per lock.
 */
export class LockTable {
  readonly #readers: Int32Array;
  readonly #writer: Uint8Array;
  readonly #queues: Waiter[][];
  readonly #heads: Int32Array;
  readonly #releaseShared: Release[];
  readonly #releaseExclusive: Release[];
  /** Locks whose queue head may have become grantable; drained by {@link #drain}. */
  readonly #dirty: number[] = [];
  #draining = false;

  /** Creates `size` free locks. Throws a `RangeError` unless `size` is an integer from 1 to 65536. */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1 || size > 65536) {
      throw new RangeError(`A lock table has 1 to 65536 locks, got ${String(size)}.`);
    }
    this.#readers = new Int32Array(size);
    this.#writer = new Uint8Array(size);
    this.#heads = new Int32Array(size);
    this.#queues = [];
    this.#releaseShared = [];
    this.#releaseExclusive = [];
    for (let i = 0; i < size; i++) {
      this.#queues.push([]);
      this.#releaseShared.push(() => this.#releaseOne(i, 'shared'));
      this.#releaseExclusive.push(() => this.#releaseOne(i, 'exclusive'));
    }
  }

  /** How many locks the table has. */
  get size(): number {
    return this.#queues.length;
  }

  /** Shared holders of lock `index` right now. */
  readers(index: number): number {
    return this.#readers[index]!;
  }

  /** Whether an exclusive holder holds lock `index` right now. */
  locked(index: number): boolean {
    return this.#writer[index] === 1;
  }

  /** Requests waiting in the queue of lock `index`. */
  pending(index: number): number {
    return this.#queues[index]!.length - this.#heads[index]!;
  }

  /**
   * Takes `locks` (one index, or ascending distinct indexes) in `mode`, then calls `granted`
   * with the function that releases them all (call it exactly once). `granted` runs
   * synchronously, here when the locks are free and nobody waits for them, otherwise inside the
   * `release` that frees the last of them. It must not throw: an exception is rethrown
   * asynchronously as an uncaught error, and the locks stay held.
   */
  acquire(locks: number | readonly number[], mode: LockMode, granted: Granted): void {
    if (typeof locks === 'number') {
      if (this.#free(locks, mode)) {
        this.#take(locks, mode);
        runGrant(granted, this.#releaseOf(locks, mode));
        return;
      }
      this.#queues[locks]!.push({ mode, locks, granted });
      return;
    }
    if (locks.length === 1) {
      this.acquire(locks[0]!, mode, granted);
      return;
    }
    let free = true;
    for (let i = 0; i < locks.length && free; i++) free = this.#free(locks[i]!, mode);
    if (free) {
      for (let i = 0; i < locks.length; i++) this.#take(locks[i]!, mode);
      runGrant(granted, this.#releaseMany(locks, mode));
      return;
    }
    const waiter: Waiter = { mode, locks, granted };
    for (let i = 0; i < locks.length; i++) this.#queues[locks[i]!]!.push(waiter);
  }

  /** Whether lock `index` can be taken in `mode` now without passing a waiter. */
  #free(index: number, mode: LockMode): boolean {
    if (this.#writer[index] === 1 || this.#heads[index]! < this.#queues[index]!.length)
      return false;
    return mode === 'shared' || this.#readers[index] === 0;
  }

  #take(index: number, mode: LockMode): void {
    if (mode === 'shared') this.#readers[index]!++;
    else this.#writer[index] = 1;
  }

  #releaseOf(index: number, mode: LockMode): Release {
    return mode === 'shared' ? this.#releaseShared[index]! : this.#releaseExclusive[index]!;
  }

  #releaseMany(locks: readonly number[], mode: LockMode): Release {
    let released = false;
    return () => {
      if (released) throw new RangeError('A lock hold was released twice.');
      released = true;
      for (let i = locks.length - 1; i >= 0; i--) this.#drop(locks[i]!, mode);
      this.#drain();
    };
  }

  #releaseOne(index: number, mode: LockMode): void {
    this.#drop(index, mode);
    this.#drain();
  }

  /** Gives up one hold of lock `index` and marks its queue for a look. */
  #drop(index: number, mode: LockMode): void {
    if (mode === 'shared') {
      if (this.#readers[index] === 0)
        throw new RangeError('A shared lock hold was released twice.');
      this.#readers[index]!--;
    } else {
      if (this.#writer[index] === 0)
        throw new RangeError('An exclusive lock hold was released twice.');
      this.#writer[index] = 0;
    }
    if (this.#heads[index]! < this.#queues[index]!.length) this.#dirty.push(index);
  }

  /** Grants every waiter that heads all its queues and fits their holders, until none does. */
  #drain(): void {
    // A grant may release synchronously (in-memory writes do): the outer loop keeps going.
    if (this.#draining) return;
    this.#draining = true;
    try {
      const dirty = this.#dirty;
      while (dirty.length > 0) {
        const index = dirty.pop()!;
        const waiter = this.#queues[index]![this.#heads[index]!];
        if (waiter === undefined || !this.#grantable(waiter)) continue;
        const { locks, mode } = waiter;
        if (typeof locks === 'number') this.#start(locks, mode);
        else for (let i = 0; i < locks.length; i++) this.#start(locks[i]!, mode);
        runGrant(
          waiter.granted,
          typeof locks === 'number' ? this.#releaseOf(locks, mode) : this.#releaseMany(locks, mode),
        );
      }
    } finally {
      this.#draining = false;
    }
  }

  #grantable(waiter: Waiter): boolean {
    const { locks, mode } = waiter;
    if (typeof locks === 'number') return this.#fits(locks, mode);
    for (let i = 0; i < locks.length; i++) {
      const index = locks[i]!;
      if (this.#queues[index]![this.#heads[index]!] !== waiter || !this.#fits(index, mode))
        return false;
    }
    return true;
  }

  /** Whether `mode` fits lock `index`'s current holders. */
  #fits(index: number, mode: LockMode): boolean {
    return this.#writer[index] === 0 && (mode === 'shared' || this.#readers[index] === 0);
  }

  /** Takes lock `index` for the waiter at its head, removes that waiter, and marks the queue for a look. */
  #start(index: number, mode: LockMode): void {
    this.#take(index, mode);
    const queue = this.#queues[index]!;
    let head = this.#heads[index]!;
    queue[head] = undefined as unknown as Waiter;
    head++;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else {
      if (head > 1024 && head * 2 > queue.length) {
        queue.copyWithin(0, head);
        queue.length -= head;
        head = 0;
      }
      this.#dirty.push(index);
    }
    this.#heads[index] = head;
  }
}

function runGrant(granted: Granted, release: Release): void {
  try {
    granted(release);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
