import { type BTree, newTree } from './btree.js';
import { MAX_KEYS_PER_SHARD } from './capacity.js';
import {
  type BatchOp,
  EVERY_KEY,
  type Granted,
  type LockableStore,
  type LockMode,
  type ScanOptions,
  type StoreSnapshot,
} from './contract.js';
import { closedError, StoreError } from './errors.js';
import { sortableKey } from './key-order.js';
import { KeyTable } from './key-table.js';
import { LockTable } from './lock-table.js';
import { type KeyRange, resolveRange } from './range.js';
import { type Project, ScanIterator, toEntry, toKey, toValue } from './scan.js';
import { type Held, heldValue, Slot } from './slot.js';
import { TreeSnapshot } from './snapshot.js';
import { checkKey, type StoredOp, storeOps, storeOptionalValue, storeValue } from './validate.js';
import { decodeValue, type StoredValue, sameValue } from './value-codec.js';

type State = 'open' | 'closing' | 'closed';

/**
 * The engine shared by `LockedStore` (one shard) and `ShardedStore` (many): per shard a
 * {@link KeyTable} of key to compact value (for `get`/`has`, the hot path: one hash lookup) and one
 * {@link LockTable} lock, and for the whole store one B+ tree of the same entries in key order
 * (for ranges and snapshots). A key overwritten holds its value in a {@link Slot} that both
 * share, so that its later overwrites no reader can see change the slot in place: one hash
 * lookup, no tree descent. Shards exist for the locks and to keep each table's rehash small; the
 * tree needs neither (it has no rehash, and every write reaches memory
 * synchronously), so one tree serves every shard, and an ordered read is one descent and one
 * leaf walk instead of a merge of the shards. Not exported from the package; use one of the
 * two stores.
 *
 * Snapshots and iterators take the current tree and mark it read: the next write first clones
 * it (O(1), copy-on-write: that write, and later ones, copy the tree nodes on their path the
 * first time they touch them), so readers keep an unchanging tree without holding any lock. An
 * iterator that finishes (or is `return()`ed) before the next write gives the tree back, and
 * then that write clones nothing.
 */
export class MapStore implements LockableStore {
  readonly #maps: KeyTable<Held>[];
  #tree: BTree<string, Held> = newTree();
  /** Moves on each time the tree is cloned for a reader: slots of earlier epochs are never changed (see `Slot`). */
  #epoch = 0;
  /** Open readers (iterators, snapshots) of the current tree. */
  #readers = 0;
  readonly #check = (): void => this.#checkReadable();
  readonly #locks: LockTable;
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
    this.#locks = new LockTable(shards);
    this.#all = [];
    for (let i = 0; i < shards; i++) {
      this.#maps.push(new KeyTable());
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
  get(key: string): Buffer | undefined {
    this.#checkReadable();
    checkKey(key);
    const stored = heldValue(this.#maps[this.#shardOf(key)]!.get(key));
    return stored === undefined ? undefined : decodeValue(stored);
  }

  /** Whether `key` is present. Throws `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  has(key: string): boolean {
    this.#checkReadable();
    checkKey(key);
    return this.#maps[this.#shardOf(key)]!.has(key);
  }

  /**
   * Entries (values are fresh copies) in key order within `options`, as they were at this call:
   * writes made while the iterator runs do not show (see the class comment for what that costs
   * them). Starts in O(log n); each step is O(1) amortized.
   * Throws `STORE_INVALID_OPTION`, `STORE_CLOSED` (also mid-iteration, once the store is closed).
   */
  entries(options?: ScanOptions): IterableIterator<[key: string, value: Buffer]> {
    return this.#scan(options, toEntry);
  }

  /** Keys in key order within `options`, as they were at this call; same guarantees as {@link entries}. */
  keys(options?: ScanOptions): IterableIterator<string> {
    return this.#scan(options, toKey);
  }

  /** Values (fresh copies) in key order within `options`, as they were at this call; same guarantees as {@link entries}. */
  values(options?: ScanOptions): IterableIterator<Buffer> {
    return this.#scan(options, toValue);
  }

  /**
   * A read-only view frozen at this moment, without any lock.
   *
   * Cost: taking it is O(1) time and memory (it marks the tree read). While it is open, the
   * first write into each tree node copies that node (a write copies at most the
   * ~log32(n) nodes on its path, each up to 32 keys), so a snapshot kept while the whole store
   * is rewritten holds at most one extra copy of the tree index (tens of bytes per entry) —
   * never a copy of the keys or values, which are immutable and shared. Its `get`/`has` are
   * O(log n) tree lookups. Close it when done (`close()`), so that writes stop copying for it.
   * Throws `STORE_CLOSED`.
   */
  snapshot(): StoreSnapshot {
    this.#checkReadable();
    const tree = this.#takeTree();
    return new TreeSnapshot(tree, this.#check, () => this.#giveBack(tree));
  }

  /** Same as `entries()`. */
  [Symbol.iterator](): IterableIterator<[key: string, value: Buffer]> {
    return this.entries();
  }

  /** Stores a copy of `value` under `key`. Rejects `STORE_INVALID_KEY`, `STORE_INVALID_VALUE`, `STORE_CLOSED`, `STORE_FULL`. */
  set(key: string, value: Uint8Array): Promise<void> {
    try {
      this.#checkWritable();
      checkKey(key);
      const stored = storeValue(value);
      const shard = this.#shardOf(key);
      return this.#exec(shard, 'shared', () => {
        this.#put(shard, key, stored);
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
      return this.#exec(shard, 'shared', () => this.#remove(shard, key));
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
      return this.#exec(shard, 'exclusive', () => {
        if (this.#maps[shard]!.has(key)) return false;
        this.#put(shard, key, stored);
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
      return this.#exec(shard, 'exclusive', () => {
        const map = this.#maps[shard]!;
        const current = heldValue(map.get(key));
        if (want === undefined ? current !== undefined : current === undefined) return false;
        if (want !== undefined && !sameValue(current!, want)) return false;
        if (put === undefined) {
          if (current !== undefined) this.#remove(shard, key);
        } else this.#put(shard, key, put);
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

  /**
   * Removes every key within `range` (every key without it), holding every lock exclusively, so
   * it is atomic against every other write; readers never see part of it, and iterators and
   * snapshots already open keep their view. Rejects `STORE_INVALID_OPTION`, `STORE_CLOSED`.
   */
  clear(range?: ScanOptions): Promise<void> {
    try {
      this.#checkWritable();
      const resolved = resolveRange(range);
      return this.#exec(this.#all, 'exclusive', () => {
        this.#clearRange(resolved);
      });
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

  /**
   * Takes `mode` on the shard locks of `keys` (`EVERY_KEY`: every shard) and calls `granted` with
   * their release, synchronously when they are free (see `LockableStore.acquire`).
   * Throws `STORE_CLOSED` once closing, `STORE_INVALID_KEY`, `STORE_INVALID_OPTION`.
   */
  acquire(
    keys: string | readonly string[] | typeof EVERY_KEY,
    mode: LockMode,
    granted: Granted,
  ): void {
    this.#checkWritable();
    if (mode !== 'shared' && mode !== 'exclusive') {
      throw new StoreError('STORE_INVALID_OPTION', `Lock mode must be 'shared' or 'exclusive'.`);
    }
    if (typeof granted !== 'function') {
      throw new StoreError('STORE_INVALID_OPTION', 'acquire needs a granted callback.');
    }
    let locks: number | readonly number[];
    if (typeof keys === 'string') {
      checkKey(keys);
      locks = this.#shardOf(keys);
    } else if (keys === EVERY_KEY) locks = this.#all;
    else if (!Array.isArray(keys)) {
      throw new StoreError(
        'STORE_INVALID_OPTION',
        'acquire keys must be a key, an array of keys or EVERY_KEY.',
      );
    } else {
      for (const key of keys) checkKey(key);
      locks = this.#shardsOfKeys(keys);
    }
    this.#locks.acquire(locks, mode, granted);
  }

  /**
   * Applies one op, or several atomically, synchronously without locking (the caller holds the
   * locks); returns whether the (first) op's key was present before it. All or nothing.
   * Throws `STORE_INVALID_*`, `STORE_CLOSED`, `STORE_FULL`.
   */
  applyUnlocked(ops: BatchOp | readonly BatchOp[]): boolean {
    if (this.#state === 'closed') throw closedError();
    if (Array.isArray(ops)) return this.#apply(storeOps(ops));
    const op = ops as BatchOp;
    if (typeof op !== 'object' || op === null) return this.#apply(storeOps([op]));
    const key = op.key;
    if (op.type === 'set') {
      checkKey(key);
      return this.#setOne(key, storeValue(op.value));
    }
    if (op.type === 'delete') {
      checkKey(key);
      return this.#remove(this.#shardOf(key), key);
    }
    return this.#apply(storeOps([op]));
  }

  /**
   * Removes every key within `range` (every key without it) synchronously without locking (the
   * caller holds every lock); returns how many it removed. Throws `STORE_INVALID_OPTION`,
   * `STORE_CLOSED`.
   */
  clearUnlocked(range?: ScanOptions): number {
    if (this.#state === 'closed') throw closedError();
    return this.#clearRange(resolveRange(range));
  }

  /** Stores `value` under `key`; returns whether `key` was present. */
  #setOne(key: string, value: StoredValue): boolean {
    return this.#put(this.#shardOf(key), key, value);
  }

  #checkReadable(): void {
    if (this.#state === 'closed') throw closedError();
  }

  #checkWritable(): void {
    if (this.#state !== 'open') throw closedError();
  }

  /**
   * Removes the keys of `range`; returns how many. The whole store is dropped at once; a part is
   * listed first, then removed key by key (O(k log n) for k keys), each removal copying the tree
   * path it touches if a reader still holds the tree.
   */
  #clearRange(range: KeyRange): number {
    if (range.empty) return 0;
    if (range.lower === undefined && range.upper === undefined && range.limit === Infinity) {
      const removed = this.size;
      this.#clear();
      return removed;
    }
    const keys = [...new ScanIterator(this.#tree, range, toKey, this.#check, undefined)];
    for (const key of keys) this.#remove(this.#shardOf(key), key);
    return keys.length;
  }

  #clear(): void {
    for (const map of this.#maps) map.clear();
    // Readers keep the old tree; writers start a fresh one.
    this.#tree = newTree();
    this.#readers = 0;
  }

  /** The current tree for a new reader, marked read so that writers clone it before writing. */
  #takeTree(): BTree<string, Held> {
    this.#readers++;
    return this.#tree;
  }

  /** A reader is done with `tree`: if it is still current, it may be written in place again. */
  #giveBack(tree: BTree<string, Held>): void {
    if (this.#tree === tree && this.#readers > 0) this.#readers--;
  }

  /** The tree, ready to write: cloned first (O(1), copy-on-write) if a reader holds it. */
  #writableTree(): BTree<string, Held> {
    if (this.#readers !== 0) {
      this.#tree = this.#tree.clone();
      this.#readers = 0;
      this.#epoch++;
    }
    return this.#tree;
  }

  /** Removes `key` from shard `shard`'s map and from the tree; returns whether it was present. */
  #remove(shard: number, key: string): boolean {
    if (!this.#maps[shard]!.delete(key)) return false;
    this.#writableTree().delete(sortableKey(key));
    return true;
  }

  #scan<T>(options: ScanOptions | undefined, project: Project<T>): IterableIterator<T> {
    this.#checkReadable();
    const range = resolveRange(options);
    if (range.empty) return new ScanIterator(undefined, range, project, this.#check, undefined);
    const tree = this.#takeTree();
    return new ScanIterator(tree, range, project, this.#check, () => this.#giveBack(tree));
  }

  /**
   * Inserts or overwrites; returns whether `key` was present. A new key holds its value directly;
   * an overwrite that no reader can see changes the key's slot in place (no descent of the
   * tree); any other overwrite puts a new slot into the shard's map and the tree (see `Slot`).
   * Enforces the per-shard cap.
   */
  #put(shard: number, key: string, value: StoredValue): boolean {
    const map = this.#maps[shard]!;
    const tree = this.#writableTree();
    const held = map.get(key);
    if (held !== undefined) {
      if (held instanceof Slot && held.epoch === this.#epoch) {
        held.value = value;
      } else {
        const slot = new Slot(value, this.#epoch);
        map.set(key, slot);
        tree.set(sortableKey(key), slot);
      }
      return true;
    }
    if (map.size >= this.#maxKeysPerShard) {
      throw new StoreError(
        'STORE_FULL',
        `A shard already holds ${map.size} keys, its limit; delete keys, raise the limit (at most ${MAX_KEYS_PER_SHARD}) or use a ShardedStore with more shards.`,
      );
    }
    map.set(key, value);
    tree.set(sortableKey(key), value);
    return false;
  }

  #apply(ops: readonly StoredOp[]): boolean {
    const previous: (StoredValue | undefined)[] = new Array(ops.length);
    let i = 0;
    try {
      for (; i < ops.length; i++) {
        const op = ops[i]!;
        const shard = this.#shardOf(op.key);
        const old = heldValue(this.#maps[shard]!.get(op.key));
        previous[i] = old;
        if (op.type === 'set') this.#put(shard, op.key, op.value);
        else if (old !== undefined) this.#remove(shard, op.key);
      }
    } catch (error) {
      // Undo in reverse; each step returns to a state this batch already passed through.
      for (let j = i - 1; j >= 0; j--) {
        const key = ops[j]!.key;
        const shard = this.#shardOf(key);
        const old = previous[j];
        if (old === undefined) this.#remove(shard, key);
        else this.#put(shard, key, old);
      }
      throw error;
    }
    return previous[0] !== undefined;
  }

  #shardsOf(ops: readonly StoredOp[]): number | number[] {
    if (this.#all.length === 1) return 0;
    const keys: string[] = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) keys[i] = ops[i]!.key;
    return this.#shardsOfKeys(keys);
  }

  #shardsOfKeys(keys: readonly string[]): number | number[] {
    if (this.#all.length === 1) return keys.length === 0 ? [] : 0;
    if (keys.length === 1) return this.#shardOf(keys[0]!);
    const set = new Set<number>();
    for (const key of keys) set.add(this.#shardOf(key));
    return [...set].sort((a, b) => a - b);
  }

  /** Runs the synchronous `fn` holding the shards' locks; the result settles the returned promise. */
  #exec<T>(locks: number | readonly number[], mode: LockMode, fn: () => T): Promise<T> {
    let settled: Promise<T> | undefined;
    let resolve: ((value: T) => void) | undefined;
    let reject: ((error: unknown) => void) | undefined;
    this.#locks.acquire(locks, mode, (release) => {
      try {
        const value = fn();
        if (resolve === undefined) settled = Promise.resolve(value);
        else resolve(value);
      } catch (error) {
        if (reject === undefined) settled = Promise.reject(error);
        else reject(error);
      } finally {
        release();
      }
    });
    if (settled !== undefined) return settled;
    return new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
  }
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
