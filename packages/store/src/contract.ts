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

/**
 * The lock scope "every key", for {@link LockableStore.acquire} (as `clear` and snapshots need).
 * A symbol, not a string, so that no key can be mistaken for it.
 */
export const EVERY_KEY: unique symbol = Symbol('every key');

/** How a hold takes a lock: shared holders run together, an exclusive one runs alone. */
export type LockMode = 'shared' | 'exclusive';

/** Ends a hold taken by {@link LockableStore.acquire}. Call it exactly once; a second call throws a `RangeError`. */
export type Release = () => void;

/**
 * Called once the locks a request asked for are held, with the function that releases them.
 * It runs synchronously: inside `acquire` when the locks are free, otherwise inside the release
 * that frees them, so the holder acts before any later request can take the same locks. It must
 * not throw.
 */
export type Granted = (release: Release) => void;

/**
 * A store whose write ordering a decorator (the durable store) can take part in.
 *
 * The discipline: an unconditional write holds its keys' locks `shared` across the slow step
 * (the log append), so unconditional writes run together and share one fsync; a conditional
 * write (`putIfAbsent`, `compareAndSet`) holds them `exclusive` from its check until its effect
 * is applied, so it is linearizable per key against every other write. Every write, the store's
 * own and a decorator's, takes its locks through {@link acquire}, whose queues are FIFO: a write
 * never passes an earlier one on a key they share.
 */
export interface LockableStore extends Store {
  /**
   * Takes `mode` access to the lock(s) that guard `keys` (one key, several, or {@link EVERY_KEY}), then calls `granted` with their release. The request
   * joins the queue of every lock it needs at once, here, so it is granted after every earlier
   * request on any of those locks and before every later one; locks never deadlock.
   * `granted` runs synchronously, in this call when the locks are free, otherwise inside the
   * release that frees them (see {@link Granted}).
   *
   * Throws `STORE_CLOSED` once the store is closing, `STORE_INVALID_KEY` and
   * `STORE_INVALID_OPTION` (then `granted` is never called).
   */
  acquire(
    keys: string | readonly string[] | typeof EVERY_KEY,
    mode: LockMode,
    granted: Granted,
  ): void;
  /**
   * Applies one op, or several in order and atomically (all or nothing), synchronously, with no
   * locking and no durability: for a decorator that holds the ops' locks. Returns whether the
   * (first) op's key was present before it.
   * Throws `STORE_INVALID_KEY`, `STORE_INVALID_VALUE`, `STORE_INVALID_BATCH`, `STORE_FULL`,
   * `STORE_CLOSED`; nothing changes when it throws.
   */
  applyUnlocked(ops: BatchOp | readonly BatchOp[]): boolean;
  /** Removes every key synchronously, with no locking: for a decorator that holds every lock. */
  clearUnlocked(): void;
}
