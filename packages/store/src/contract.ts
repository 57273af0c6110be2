/** One write inside an atomic {@link Store.batch}. */
export type BatchOp =
  | { readonly type: 'set'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: string };

/** Options for iterating a store. */
export interface ScanOptions {
  /** Only keys that start with this string. @default '' (every key) */
  readonly prefix?: string;
}

/**
 * The contract every Hermes store meets: the in-memory `LockedStore` and `ShardedStore`, and the
 * durable store of `@hermes/wal-store` that wraps them.
 *
 * Reads are synchronous (every Hermes store serves reads from memory); writes return promises
 * that settle once the write is applied (and, for a durable store, durable under its policy).
 * Values are copied on the way in and on the way out: mutating a buffer you passed in or got
 * back never changes stored data.
 */
export interface Store {
  /** The value stored under `key`, as a fresh copy, or `undefined`. */
  get(key: string): Uint8Array | undefined;
  /** Whether `key` is present. */
  has(key: string): boolean;
  /** How many keys are present. */
  readonly size: number;
  /** Entries (fresh copies of values), optionally only those whose key starts with a prefix. Order is unspecified. */
  entries(options?: ScanOptions): IterableIterator<[key: string, value: Uint8Array]>;
  /** Keys, optionally only those that start with a prefix. Order is unspecified. */
  keys(options?: ScanOptions): IterableIterator<string>;
  /** Stores `value` under `key`, replacing what was there. */
  set(key: string, value: Uint8Array): Promise<void>;
  /** Removes `key`; resolves `true` if it was present when the delete took effect. */
  delete(key: string): Promise<boolean>;
  /** Stores `value` only if `key` is absent; resolves whether it did. A refused write changes nothing. */
  putIfAbsent(key: string, value: Uint8Array): Promise<boolean>;
  /**
   * Replaces the value under `key` with `next` only if the current value equals `expected`
   * byte for byte (`undefined` means absent, on either side: `next === undefined` deletes).
   * Resolves whether it did. A refused write changes nothing.
   */
  compareAndSet(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
  ): Promise<boolean>;
  /** Applies every op, in order, atomically: no reader ever sees part of a batch. */
  batch(ops: readonly BatchOp[]): Promise<void>;
  /** Removes every key. */
  clear(): Promise<void>;
  /** Releases the store; later writes reject with `STORE_CLOSED`. Idempotent. */
  close(): Promise<void>;
}

/** How a critical section holds a lock: shared holders run together, an exclusive one runs alone. */
export type LockMode = 'shared' | 'exclusive';

/**
 * A store whose write ordering a decorator (the durable store) can take part in.
 *
 * The discipline: an unconditional write holds its keys' locks `shared` across the slow step
 * (the log append), so unconditional writes run together and share one fsync; a conditional
 * write (`putIfAbsent`, `compareAndSet`) holds them `exclusive` from its check until its effect
 * is applied, so it is linearizable per key against every other write.
 */
export interface LockableStore extends Store {
  /**
   * Runs `critical` holding `mode` access to the lock(s) that guard `keys` (`'all'`: every lock,
   * as `clear` and snapshots need). Locks are taken in a fixed order, so this never deadlocks.
   */
  withLock<T>(
    keys: readonly string[] | 'all',
    mode: LockMode,
    critical: () => Promise<T>,
  ): Promise<T>;
  /**
   * Applies ops at once, synchronously, with no locking and no durability: for a decorator that
   * already holds the lock. Returns, for each op, whether its key was present before it.
   */
  applyUnlocked(ops: readonly BatchOp[]): boolean[];
  /** Removes every key synchronously, with no locking: for a decorator that holds every lock. */
  clearUnlocked(): void;

  // The single-key fast path. Optional: a decorator uses it only when a store has all five, and
  // falls back to `withLock` / `applyUnlocked` otherwise (and whenever `tryLockIndex` refuses).
  // Same discipline as `withLock`; it only skips the arrays, closures and promises that a
  // general-purpose critical section needs.

  /**
   * The index of the lock that guards `key`, for {@link tryLockIndex} / {@link unlockIndex}.
   * Stable for the store's lifetime. Throws `STORE_INVALID_KEY`.
   */
  lockIndexOf?(key: string): number;
  /**
   * Takes lock `index` in `mode` if that is possible right now without overtaking a waiter, and
   * returns whether it did (`false` also once the store is closing: fall back to `withLock`,
   * which then rejects `STORE_CLOSED`). A `true` must be paired with one {@link unlockIndex}.
   */
  tryLockIndex?(index: number, mode: LockMode): boolean;
  /** Releases one hold that {@link tryLockIndex} took, and wakes the next waiters. */
  unlockIndex?(index: number, mode: LockMode): void;
  /**
   * Stores a copy of `value` under `key` synchronously with no locking (the caller holds the
   * key's lock); returns whether `key` was present before. Nothing changes if it throws.
   * `index`, if given, must be what {@link lockIndexOf} returned for this very key: it saves
   * hashing the key again (a wrong one files the key where reads never find it).
   * Throws `STORE_INVALID_KEY`, `STORE_INVALID_VALUE`, `STORE_FULL`, `STORE_CLOSED`.
   */
  setUnlocked?(key: string, value: Uint8Array, index?: number): boolean;
  /**
   * Removes `key` synchronously with no locking (the caller holds the key's lock); returns
   * whether it was present. `index` as for {@link setUnlocked}.
   * Throws `STORE_INVALID_KEY`, `STORE_CLOSED`.
   */
  deleteUnlocked?(key: string, index?: number): boolean;
}
