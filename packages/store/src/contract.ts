/** One write inside an atomic {@link Store.batch}. */
export type BatchOp =
  | { readonly type: 'set'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: string };

/**
 * Which keys an iteration visits, and how. Keys are visited in `compareKeys` order (by
 * their UTF-8 bytes), ascending unless `reverse`. The bounds combine: a key is visited when it
 * satisfies every bound given and starts with `prefix`. A range that holds no key (`gt` past
 * `lt`, say) yields nothing; it is not an error.
 *
 * Invalid options throw `STORE_INVALID_OPTION`: a bound or prefix that is not a well-formed
 * string, `gt` together with `gte` (or `lt` with `lte`), a `reverse` that is not a boolean, a
 * `limit` that is not a non-negative integer or `Infinity`, or a property not listed here.
 */
export interface ScanOptions {
  /** Only keys after this one. Not together with `gte`. @default no lower bound */
  readonly gt?: string;
  /** Only keys from this one on. Not together with `gt`. @default no lower bound */
  readonly gte?: string;
  /** Only keys before this one. Not together with `lte`. @default no upper bound */
  readonly lt?: string;
  /** Only keys up to this one. Not together with `lt`. @default no upper bound */
  readonly lte?: string;
  /** Only keys that start with this string. @default '' (every key) */
  readonly prefix?: string;
  /** Visit keys from the highest down. @default false */
  readonly reverse?: boolean;
  /** Stop after this many keys (counted from the start, so from the top when `reverse`). @default Infinity */
  readonly limit?: number;
}

/**
 * The reads every Hermes store and every snapshot of one offer. Reads are synchronous. Keys are
 * any well-formed strings, `''` included (a durable store also caps their UTF-8 length at its
 * log's `maxKeyBytes`). Values come out as fresh copies: mutating one never changes stored data.
 *
 * Values come out as Node `Buffer`s (a `Buffer` is a `Uint8Array`, so code written for
 * `Uint8Array` works unchanged), and are typed so: `value.toString('utf8')`, `equals` and the
 * rest are there, and `JSON.stringify` gives Buffer's `{ type: 'Buffer', data }`. Writes take any
 * `Uint8Array`. A store of your own implementing this contract returns `Buffer`s too
 * (`Buffer.from(bytes)` copies; `Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength)` wraps
 * without copying). Hermes' stores make a `Buffer` for each value they hand out anyway (from the
 * compact string they keep), so typing it so costs nothing.
 *
 * Iterators (`entries`, `keys`, `values`) are **consistent**: each sees the data as it was when
 * it was created (the call, not the first `next()`), whatever is written while it runs, and
 * holds no lock. Starting one costs O(log n); each step is O(1) amortized.
 */
export interface StoreReader {
  /** The value stored under `key`, as a fresh `Buffer`, or `undefined`. */
  get(key: string): Buffer | undefined;
  /** Whether `key` is present. */
  has(key: string): boolean;
  /** How many keys are present. */
  readonly size: number;
  /** `[key, value]` pairs (values are fresh `Buffer`s) in key order, within `options`' range. */
  entries(options?: ScanOptions): IterableIterator<[key: string, value: Buffer]>;
  /** Keys in key order, within `options`' range. */
  keys(options?: ScanOptions): IterableIterator<string>;
  /** Values (fresh `Buffer`s) in the order of their keys, within `options`' range. */
  values(options?: ScanOptions): IterableIterator<Buffer>;
}

/**
 * A read-only view of a store frozen at the moment {@link Store.snapshot} was called: every
 * read through it, however much later, sees exactly the data of that moment.
 *
 * Reads throw `STORE_CLOSED` once the snapshot or its store is closed (iterators of the
 * snapshot too, at their next step). Close a snapshot when done with it: an open snapshot keeps
 * the data of its moment alive (see the store's `snapshot()` for what that costs).
 */
export interface StoreSnapshot extends StoreReader {
  /** Releases the snapshot; later reads throw `STORE_CLOSED`. Idempotent. */
  close(): void;
}

/**
 * The contract every Hermes store meets: the in-memory `LockedStore` and `ShardedStore`, and the
 * durable store of `@hermes/wal-store` that wraps them.
 *
 * Reads are synchronous (every Hermes store serves reads from memory; see {@link StoreReader}
 * for them and for the key order); writes return promises that settle once the write is applied
 * (and, for a durable store, durable under its policy). Values are copied on the way in and on
 * the way out: mutating a buffer you passed in or got back never changes stored data.
 */
export interface Store extends StoreReader {
  /**
   * A read-only view frozen at this moment; see `StoreSnapshot`. Takes no lock and does
   * not wait for writes in flight (it sees what has been applied). Throws `STORE_CLOSED` once
   * the store is closed.
   */
  snapshot(): StoreSnapshot;
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
  /**
   * Removes every key within `range` (every key without it), atomically: the keys that
   * `keys(range)` would visit at the moment the clear takes effect, `reverse` and `limit`
   * included (`{ limit: 10, reverse: true }` removes the ten highest keys), as abstract-level's
   * `clear` does. No reader sees part of it; iterators and snapshots taken before it keep their
   * view. A range that holds no key removes nothing. Rejects `STORE_INVALID_OPTION` for invalid
   * options (the same rules as {@link ScanOptions}; then nothing changes) and `STORE_CLOSED`.
   */
  clear(range?: ScanOptions): Promise<void>;
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
  /**
   * Removes every key within `range` (every key without it; see {@link Store.clear}),
   * synchronously, with no locking: for a decorator that holds every lock. Returns how many keys
   * it removed. Throws `STORE_INVALID_OPTION` (then nothing changes) and `STORE_CLOSED`.
   */
  clearUnlocked(range?: ScanOptions): number;
}
