import type { BTree } from './btree.js';
import type { ScanOptions, StoreSnapshot } from './contract.js';
import { closedError } from './errors.js';
import { sortableKey } from './key-order.js';
import { resolveRange } from './range.js';
import { type Project, ScanIterator, toEntry, toKey, toValue } from './scan.js';
import { checkKey } from './validate.js';
import { decodeValue, type StoredValue } from './value-codec.js';

/**
 * A store's trees frozen at one moment (one tree per shard, which no writer touches any more),
 * read as a {@link StoreSnapshot}. `get`/`has` are O(log n) tree lookups (the live store's
 * hash lookup is not frozen with it). Built by the stores' `snapshot()`.
 */
export class TreeSnapshot implements StoreSnapshot {
  #trees: readonly BTree<string, StoredValue>[] | undefined;
  readonly #shardOf: (key: string) => number;
  readonly #checkStore: () => void;
  readonly #release: () => void;
  readonly #check = (): void => {
    if (this.#trees === undefined) throw closedError('snapshot');
    this.#checkStore();
  };

  /**
   * Reads `trees` (shard `shardOf(key)` holds `key`); `checkStore` throws once the store is
   * closed; `release` runs once, at `close()`, handing the trees back to the store's writers.
   */
  constructor(
    trees: readonly BTree<string, StoredValue>[],
    shardOf: (key: string) => number,
    checkStore: () => void,
    release: () => void,
  ) {
    this.#trees = trees;
    this.#shardOf = shardOf;
    this.#checkStore = checkStore;
    this.#release = release;
  }

  /** How many keys the snapshot holds. Throws `STORE_CLOSED`. */
  get size(): number {
    let n = 0;
    for (const tree of this.#open()) n += tree.size;
    return n;
  }

  /** The value under `key` at the snapshot's moment (a fresh copy), or `undefined`. Throws `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  get(key: string): Uint8Array | undefined {
    const trees = this.#open();
    checkKey(key);
    const stored = trees[this.#shardOf(key)]!.get(sortableKey(key));
    return stored === undefined ? undefined : decodeValue(stored);
  }

  /** Whether `key` was present at the snapshot's moment. Throws `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  has(key: string): boolean {
    const trees = this.#open();
    checkKey(key);
    return trees[this.#shardOf(key)]!.has(sortableKey(key));
  }

  /** The snapshot's entries in key order within `options`. Throws `STORE_INVALID_OPTION`, `STORE_CLOSED`. */
  entries(options?: ScanOptions): IterableIterator<[key: string, value: Uint8Array]> {
    return this.#scan(options, toEntry);
  }

  /** The snapshot's keys in key order within `options`. Throws `STORE_INVALID_OPTION`, `STORE_CLOSED`. */
  keys(options?: ScanOptions): IterableIterator<string> {
    return this.#scan(options, toKey);
  }

  /** The snapshot's values in key order within `options`. Throws `STORE_INVALID_OPTION`, `STORE_CLOSED`. */
  values(options?: ScanOptions): IterableIterator<Uint8Array> {
    return this.#scan(options, toValue);
  }

  /** Same as `entries()`. */
  [Symbol.iterator](): IterableIterator<[key: string, value: Uint8Array]> {
    return this.entries();
  }

  /** Releases the snapshot: later reads (and its iterators' next steps) throw `STORE_CLOSED`. Idempotent. */
  close(): void {
    if (this.#trees === undefined) return;
    this.#trees = undefined;
    this.#release();
  }

  #open(): readonly BTree<string, StoredValue>[] {
    this.#check();
    return this.#trees!;
  }

  #scan<T>(options: ScanOptions | undefined, project: Project<T>): IterableIterator<T> {
    const trees = this.#open();
    return new ScanIterator(trees, resolveRange(options), project, this.#check, undefined);
  }
}
