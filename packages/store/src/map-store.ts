import { MAX_KEYS_PER_SHARD } from './capacity.js';
import type { BatchOp, LockableStore, LockMode, ScanOptions } from './contract.js';
import { StoreError } from './errors.js';
import { RwLock } from './rw-lock.js';
import { checkKey, type StoredOp, storeOps, storeOptionalValue, storeValue } from './validate.js';
import { decodeValue, type StoredValue, sameValue } from './value-codec.js';

type State = 'open' | 'closing' | 'closed';

/**
 * The engine shared by `LockedStore` (one shard) and `ShardedStore` (many): per shard a `Map`
 * of key to compact value and a FIFO-fair {@link RwLock}. Not exported from the package; use one
 * of the two stores.
 */
export class MapStore implements LockableStore {
  readonly #maps: Map<string, StoredValue>[];
  readonly #locks: RwLock[];
  readonly #shardOf: (key: string) => number;
  readonly #all: number[];
  readonly #maxKeysPerShard: number;
  #state: State = 'open';
  #closed: Promise<void> | undefined;

  /**
   * Creates `shards` empty shards; `shardOf` maps a key to its shard index; a shard refuses new
   * keys (`STORE_FULL`) once it holds `maxKeysPerShard`.
   */
  constructor(shards: number, shardOf: (key: string) => number, maxKeysPerShard: number) {
    this.#maxKeysPerShard = checkMaxKeys(maxKeysPerShard);
    this.#maps = [];
    this.#locks = [];
    this.#all = [];
    for (let i = 0; i < shards; i++) {
      this.#maps.push(new Map());
      this.#locks.push(new RwLock());
      this.#all.push(i);
    }
    this.#shardOf = shardOf;
  }

  /** How many keys are present. Throws `STORE_CLOSED` after `close`. */
  get size(): number {
    this.#checkReadable();
    let n = 0;
    for (const map of this.#maps) n += map.size;
    return n;
  }

  /** Whether `close` has been called (the store may still be draining queued writes). */
  get closed(): boolean {
    return this.#state !== 'open';
  }

  /** The stored value as a fresh `Buffer`, or `undefined`. Throws `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  get(key: string): Uint8Array | undefined {
    this.#checkReadable();
    checkKey(key);
    const stored = this.#maps[this.#shardOf(key)]!.get(key);
    return stored === undefined ? undefined : decodeValue(stored);
  }

  /** Whether `key` is present. Throws `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  has(key: string): boolean {
    this.#checkReadable();
    checkKey(key);
    return this.#maps[this.#shardOf(key)]!.has(key);
  }

  /**
   * Live iteration over entries (values are fresh copies), optionally by key prefix; a linear
   * scan. A key present and unchanged for the whole iteration is yielded exactly once; keys
   * written meanwhile may or may not be. Throws `STORE_CLOSED` (also mid-iteration, once closed).
   */
  entries(options?: ScanOptions): IterableIterator<[key: string, value: Uint8Array]> {
    this.#checkReadable();
    return this.#entries(prefixOf(options));
  }

  /** Live iteration over keys, optionally by prefix; same guarantees as {@link entries}. */
  keys(options?: ScanOptions): IterableIterator<string> {
    this.#checkReadable();
    return this.#keys(prefixOf(options));
  }

  /** Same as `entries()`. */
  [Symbol.iterator](): IterableIterator<[key: string, value: Uint8Array]> {
    return this.entries();
  }

  /** Stores a copy of `value` under `key`. Rejects `STORE_INVALID_KEY`, `STORE_INVALID_VALUE`, `STORE_CLOSED`, `STORE_FULL`. */
  set(key: string, value: Uint8Array): Promise<void> {
    try {
      this.#checkWritable();
      checkKey(key);
      const stored = storeValue(value);
      const shard = this.#shardOf(key);
      return this.#exec([shard], 'shared', () => {
        this.#put(shard, key, stored, false);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Removes `key`; resolves whether it was present. Rejects `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  delete(key: string): Promise<boolean> {
    try {
      this.#checkWritable();
      checkKey(key);
      const shard = this.#shardOf(key);
      return this.#exec([shard], 'shared', () => this.#maps[shard]!.delete(key));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Stores a copy of `value` only if `key` is absent; resolves whether it did. Holds the key's lock exclusively. */
  putIfAbsent(key: string, value: Uint8Array): Promise<boolean> {
    try {
      this.#checkWritable();
      checkKey(key);
      const stored = storeValue(value);
      const shard = this.#shardOf(key);
      return this.#exec([shard], 'exclusive', () => {
        if (this.#maps[shard]!.has(key)) return false;
        this.#put(shard, key, stored, false);
        return true;
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Replaces the value under `key` with `next` only if it equals `expected` byte for byte
   * (`undefined` = absent; `next === undefined` deletes). Holds the key's lock exclusively.
   */
  compareAndSet(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
  ): Promise<boolean> {
    try {
      this.#checkWritable();
      checkKey(key);
      const want = storeOptionalValue(expected);
      const put = storeOptionalValue(next);
      const shard = this.#shardOf(key);
      return this.#exec([shard], 'exclusive', () => {
        const map = this.#maps[shard]!;
        const current = map.get(key);
        if (want === undefined ? current !== undefined : current === undefined) return false;
        if (want !== undefined && !sameValue(current!, want)) return false;
        if (put === undefined) map.delete(key);
        else this.#put(shard, key, put, current !== undefined);
        return true;
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Applies every op in order, atomically (all or nothing). Rejects `STORE_INVALID_*`, `STORE_CLOSED`, `STORE_FULL`. */
  batch(ops: readonly BatchOp[]): Promise<void> {
    try {
      this.#checkWritable();
      const stored = storeOps(ops);
      if (stored.length === 0) return Promise.resolve();
      return this.#exec(this.#shardsOf(stored), 'shared', () => {
        this.#apply(stored);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Removes every key, holding every lock exclusively. Rejects `STORE_CLOSED`. */
  clear(): Promise<void> {
    try {
      this.#checkWritable();
      return this.#exec(this.#all, 'exclusive', () => this.#clear());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Closes the store: writes called from now on reject `STORE_CLOSED`; writes already queued
   * complete first; then the data is dropped and reads throw `STORE_CLOSED`. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#state = 'closing';
      this.#closed = this.#exec(this.#all, 'exclusive', () => {
        this.#state = 'closed';
        this.#clear();
      });
    }
    return this.#closed;
  }

  /** Runs `critical` holding `mode` on the shards of `keys` (`'all'`: every shard), taken in ascending order. Rejects `STORE_CLOSED`, `STORE_INVALID_KEY`. */
  withLock<T>(
    keys: readonly string[] | 'all',
    mode: LockMode,
    critical: () => Promise<T>,
  ): Promise<T> {
    let shards: number[];
    try {
      this.#checkWritable();
      if (mode !== 'shared' && mode !== 'exclusive') {
        throw new StoreError('STORE_INVALID_OPTION', `Lock mode must be 'shared' or 'exclusive'.`);
      }
      if (keys === 'all') shards = this.#all;
      else if (!Array.isArray(keys)) {
        throw new StoreError(
          'STORE_INVALID_OPTION',
          `withLock keys must be an array of keys or 'all'.`,
        );
      } else {
        for (const key of keys) checkKey(key);
        shards = this.#shardsOfKeys(keys);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const release = (): void => this.#releaseAll(shards, mode);
    const run = (): Promise<T> => {
      let result: Promise<T>;
      try {
        result = Promise.resolve(critical());
      } catch (error) {
        release();
        return Promise.reject(error);
      }
      return result.then(
        (value) => {
          release();
          return value;
        },
        (error: unknown) => {
          release();
          throw error;
        },
      );
    };
    if (this.#tryAcquireAll(shards, mode)) return run();
    return new Promise<void>((resolve) => this.#acquireAll(shards, mode, resolve)).then(run);
  }

  /** Applies ops synchronously without locking (the caller holds the locks); returns, per op, whether its key was present before it. All or nothing. Throws `STORE_INVALID_*`, `STORE_CLOSED`, `STORE_FULL`. */
  applyUnlocked(ops: readonly BatchOp[]): boolean[] {
    if (this.#state === 'closed') throw closedError();
    return this.#apply(storeOps(ops));
  }

  /** Removes every key synchronously without locking (the caller holds every lock). Throws `STORE_CLOSED`. */
  clearUnlocked(): void {
    if (this.#state === 'closed') throw closedError();
    this.#clear();
  }

  /** The index of the shard lock guarding `key` (its shard). Throws `STORE_INVALID_KEY`. */
  lockIndexOf(key: string): number {
    checkKey(key);
    return this.#shardOf(key);
  }

  /** Takes shard lock `index` in `mode` now if free and nobody waits; `false` once closing. Throws `STORE_INVALID_OPTION` for a bad index or mode. */
  tryLockIndex(index: number, mode: LockMode): boolean {
    const lock = this.#lockAt(index, mode);
    return this.#state === 'open' && lock.tryAcquire(mode);
  }

  /** Releases one hold of shard lock `index` taken by {@link tryLockIndex}. Throws `STORE_INVALID_OPTION` for a bad index or mode, a `RangeError` if no such hold exists. */
  unlockIndex(index: number, mode: LockMode): void {
    this.#lockAt(index, mode).release(mode);
  }

  /**
   * Stores a copy of `value` under `key` without locking; returns whether `key` was present.
   * `index`: the key's {@link lockIndexOf}, to skip hashing it again.
   * Throws `STORE_INVALID_*`, `STORE_FULL`, `STORE_CLOSED`.
   */
  setUnlocked(key: string, value: Uint8Array, index?: number): boolean {
    if (this.#state === 'closed') throw closedError();
    checkKey(key);
    const stored = storeValue(value);
    const shard = index ?? this.#shardOf(key);
    const map = this.#maps[shard]!;
    const before = map.size;
    if (before >= this.#maxKeysPerShard) {
      const present = map.has(key);
      this.#put(shard, key, stored, present);
      return present;
    }
    this.#put(shard, key, stored, true);
    // A new key grows the map; an overwrite leaves its size alone (one lookup instead of two).
    return this.#maps[shard]!.size === before;
  }

  /** Removes `key` without locking; returns whether it was present. `index` as for {@link setUnlocked}. Throws `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  deleteUnlocked(key: string, index?: number): boolean {
    if (this.#state === 'closed') throw closedError();
    checkKey(key);
    return this.#maps[index ?? this.#shardOf(key)]!.delete(key);
  }

  #lockAt(index: number, mode: LockMode): RwLock {
    const lock = this.#locks[index];
    if (lock === undefined) {
      throw new StoreError('STORE_INVALID_OPTION', `No lock has index ${String(index)}.`);
    }
    if (mode !== 'shared' && mode !== 'exclusive') {
      throw new StoreError('STORE_INVALID_OPTION', `Lock mode must be 'shared' or 'exclusive'.`);
    }
    return lock;
  }

  #checkReadable(): void {
    if (this.#state === 'closed') throw closedError();
  }

  #checkWritable(): void {
    if (this.#state !== 'open') throw closedError();
  }

  #clear(): void {
    for (const map of this.#maps) map.clear();
  }

  /** Inserts or overwrites; enforces the per-shard cap and compacts a map V8 refuses to grow. */
  #put(shard: number, key: string, value: StoredValue, exists: boolean): void {
    let map = this.#maps[shard]!;
    if (!exists && map.size >= this.#maxKeysPerShard && !map.has(key)) {
      throw new StoreError(
        'STORE_FULL',
        `A shard already holds ${map.size} keys, its limit; delete keys, raise the limit (at most ${MAX_KEYS_PER_SHARD}) or use a ShardedStore with more shards.`,
      );
    }
    try {
      map.set(key, value);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      // Deleted slots count against V8's limit until a rehash: compact by copying, then retry.
      map = new Map(map);
      this.#maps[shard] = map;
      map.set(key, value);
    }
  }

  #apply(ops: readonly StoredOp[]): boolean[] {
    const present: boolean[] = new Array(ops.length);
    const previous: (StoredValue | undefined)[] = new Array(ops.length);
    let i = 0;
    try {
      for (; i < ops.length; i++) {
        const op = ops[i]!;
        const shard = this.#shardOf(op.key);
        const old = this.#maps[shard]!.get(op.key);
        previous[i] = old;
        present[i] = old !== undefined;
        if (op.type === 'set') this.#put(shard, op.key, op.value, old !== undefined);
        else if (old !== undefined) this.#maps[shard]!.delete(op.key);
      }
    } catch (error) {
      // Undo in reverse; each step returns to a state this batch already passed through.
      for (let j = i - 1; j >= 0; j--) {
        const key = ops[j]!.key;
        const shard = this.#shardOf(key);
        const old = previous[j];
        if (old === undefined) this.#maps[shard]!.delete(key);
        else this.#put(shard, key, old, true);
      }
      throw error;
    }
    return present;
  }

  #shardsOf(ops: readonly StoredOp[]): number[] {
    if (this.#all.length === 1) return this.#all;
    const keys: string[] = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) keys[i] = ops[i]!.key;
    return this.#shardsOfKeys(keys);
  }

  #shardsOfKeys(keys: readonly string[]): number[] {
    if (this.#all.length === 1) return keys.length === 0 ? [] : this.#all;
    if (keys.length === 1) return [this.#shardOf(keys[0]!)];
    const set = new Set<number>();
    for (const key of keys) set.add(this.#shardOf(key));
    return [...set].sort((a, b) => a - b);
  }

  #tryAcquireAll(shards: readonly number[], mode: LockMode): boolean {
    for (let i = 0; i < shards.length; i++) {
      if (!this.#locks[shards[i]!]!.tryAcquire(mode)) {
        for (let j = i - 1; j >= 0; j--) this.#locks[shards[j]!]!.release(mode);
        return false;
      }
    }
    return true;
  }

  /** Takes the shards' locks in ascending order, then calls `then` (synchronously when uncontended). */
  #acquireAll(shards: readonly number[], mode: LockMode, then: () => void): void {
    let i = 0;
    const step = (): void => {
      while (i < shards.length) {
        const lock = this.#locks[shards[i++]!]!;
        if (!lock.tryAcquire(mode)) {
          lock.request(mode, step);
          return;
        }
      }
      then();
    };
    step();
  }

  #releaseAll(shards: readonly number[], mode: LockMode): void {
    for (let i = shards.length - 1; i >= 0; i--) this.#locks[shards[i]!]!.release(mode);
  }

  /** Runs the synchronous `fn` holding the shards' locks; the result settles the returned promise. */
  #exec<T>(shards: readonly number[], mode: LockMode, fn: () => T): Promise<T> {
    if (this.#tryAcquireAll(shards, mode)) {
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error);
      } finally {
        this.#releaseAll(shards, mode);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.#acquireAll(shards, mode, () => {
        try {
          resolve(fn());
        } catch (error) {
          reject(error);
        } finally {
          this.#releaseAll(shards, mode);
        }
      });
    });
  }

  *#entries(prefix: string): Generator<[key: string, value: Uint8Array]> {
    for (let s = 0; s < this.#maps.length; s++) {
      for (const [key, value] of this.#maps[s]!) {
        if (this.#state === 'closed') throw closedError();
        if (key.startsWith(prefix)) yield [key, decodeValue(value)];
      }
    }
    // A map cleared by close ends its loop early: say so rather than end quietly.
    if (this.#state === 'closed') throw closedError();
  }

  *#keys(prefix: string): Generator<string> {
    for (let s = 0; s < this.#maps.length; s++) {
      for (const key of this.#maps[s]!.keys()) {
        if (this.#state === 'closed') throw closedError();
        if (key.startsWith(prefix)) yield key;
      }
    }
    // A map cleared by close ends its loop early: say so rather than end quietly.
    if (this.#state === 'closed') throw closedError();
  }
}

function prefixOf(options: ScanOptions | undefined): string {
  const prefix = options?.prefix ?? '';
  if (typeof prefix !== 'string') {
    throw new StoreError('STORE_INVALID_OPTION', 'ScanOptions.prefix must be a string.');
  }
  return prefix;
}

function checkMaxKeys(max: number): number {
  if (!Number.isInteger(max) || max < 1 || max > MAX_KEYS_PER_SHARD) {
    throw new StoreError(
      'STORE_INVALID_OPTION',
      `The key limit per shard must be an integer from 1 to ${MAX_KEYS_PER_SHARD}, got ${String(max)}.`,
    );
  }
  return max;
}

function closedError(): StoreError {
  return new StoreError('STORE_CLOSED', 'The store is closed; open a new store to read or write.');
}
