import type { BTree } from './btree.js';
import type { ScanOptions, StoreSnapshot } from './contract.js';
import { closedError } from './errors.js';
import { sortableKey } from './key-order.js';
import { resolveRange } from './range.js';
import { type Project, ScanIterator, toEntry, toKey, toValue } from './scan.js';
import { type Held, heldValue } from './slot.js';
import { checkKey } from './validate.js';
import { decodeValue } from './value-codec.js';

/**
 * A store's tree frozen at one moment (no writer touches it any more), read as a
 * {@link StoreSnapshot}. `get`/`has` are O(log n) tree lookups (the live store's hash lookup is
 * not frozen with it). Built by the stores' `snapshot()`.
 */
export class TreeSnapshot implements StoreSnapshot {
  #tree: BTree<string, Held> | undefined;
  readonly #checkStore: () => void;
  readonly #release: () => void;
  readonly #check = (): void => {
    if (this.#tree === undefined) throw closedError('snapshot');
    this.#checkStore();
  };

  /**
   * Reads `tree`; `checkStore` throws once the store is closed; `release` runs once, at
   * `close()`, handing the tree back to the store's writers.
   */
  constructor(tree: BTree<string, Held>, checkStore: () => void, release: () => void) {
    this.#tree = tree;
    this.#checkStore = checkStore;
    this.#release = release;
  }

  /** How many keys the snapshot holds. Throws `STORE_CLOSED`. */
  get size(): number {
    return this.#open().size;
  }

  /** The value under `key` at the snapshot's moment (a fresh copy), or `undefined`. Throws `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  get(key: string): Buffer | undefined {
    const tree = this.#open();
    checkKey(key);
    const stored = heldValue(tree.get(sortableKey(key)));
    return stored === undefined ? undefined : decodeValue(stored);
  }

  /** Whether `key` was present at the snapshot's moment. Throws `STORE_INVALID_KEY`, `STORE_CLOSED`. */
  has(key: string): boolean {
    const tree = this.#open();
    checkKey(key);
    return tree.has(sortableKey(key));
  }

  /** The snapshot's entries in key order within `options`. Throws `STORE_INVALID_OPTION`, `STORE_CLOSED`. */
  entries(options?: ScanOptions): IterableIterator<[key: string, value: Buffer]> {
    return this.#scan(options, toEntry);
  }

  /** The snapshot's keys in key order within `options`. Throws `STORE_INVALID_OPTION`, `STORE_CLOSED`. */
  keys(options?: ScanOptions): IterableIterator<string> {
    return this.#scan(options, toKey);
  }

  /** The snapshot's values in key order within `options`. Throws `STORE_INVALID_OPTION`, `STORE_CLOSED`. */
  values(options?: ScanOptions): IterableIterator<Buffer> {
    return this.#scan(options, toValue);
  }

  /** Same as `entries()`. */
  [Symbol.iterator](): IterableIterator<[key: string, value: Buffer]> {
    return this.entries();
  }

  /** Releases the snapshot: later reads (and its iterators' next steps) throw `STORE_CLOSED`. Idempotent. */
  close(): void {
    if (this.#tree === undefined) return;
    this.#tree = undefined;
    this.#release();
  }

  #open(): BTree<string, Held> {
    this.#check();
    return this.#tree!;
  }

  #scan<T>(options: ScanOptions | undefined, project: Project<T>): IterableIterator<T> {
    const tree = this.#open();
    return new ScanIterator(tree, resolveRange(options), project, this.#check, undefined);
  }
}
