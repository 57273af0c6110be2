import type { BTree } from './btree.js';
import { type EntryCursor, TreeCursor } from './cursor.js';
import { keyOfSortable } from './key-order.js';
import { MergedCursor } from './merge.js';
import type { KeyRange } from './range.js';
import { decodeValue, type StoredValue } from './value-codec.js';

/** Turns a stored entry (its key in `sortableKey` form) into what an iterator yields. */
export type Project<T> = (sortable: string, value: StoredValue) => T;

/** Yields `[key, value]` with a fresh copy of the value. */
export const toEntry: Project<[key: string, value: Uint8Array]> = (sortable, value) => [
  keyOfSortable(sortable),
  decodeValue(value),
];
/** Yields the key. */
export const toKey: Project<string> = keyOfSortable;
/** Yields a fresh copy of the value. */
export const toValue: Project<Uint8Array> = (_key, value) => decodeValue(value);

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator behind every `entries`/`keys`/`values`: the entries of `trees` (one per shard,
 * none of which any writer touches any more) within `range`, merged in key order when there
 * are several, up to the range's limit.
 *
 * `check` runs before every step and throws to stop a read whose store or snapshot was closed.
 * `release` runs once, when the iterator is done (exhausted, at its limit, or `return()`ed, as
 * `break` in a `for...of` does): the store may then write into those trees again.
 */
export class ScanIterator<T> implements IterableIterator<T> {
  #cursor: EntryCursor | undefined;
  #left: number;
  readonly #project: Project<T>;
  readonly #check: () => void;
  #release: (() => void) | undefined;

  /** Starts the cursors (one descent per tree); see the class comment for `check` and `release`. */
  constructor(
    trees: readonly BTree<string, StoredValue>[],
    range: KeyRange,
    project: Project<T>,
    check: () => void,
    release: (() => void) | undefined,
  ) {
    this.#project = project;
    this.#check = check;
    this.#release = release;
    this.#left = range.limit;
    if (range.empty || trees.length === 0) {
      this.#cursor = undefined;
      this.#finish();
    } else if (trees.length === 1) {
      this.#cursor = new TreeCursor(trees[0]!, range);
    } else {
      this.#cursor = new MergedCursor(
        trees.map((tree) => new TreeCursor(tree, range)),
        range.reverse,
      );
    }
  }

  /** The next item, or done; throws what `check` throws. */
  next(): IteratorResult<T> {
    const cursor = this.#cursor;
    if (cursor === undefined) return DONE;
    this.#check();
    if (!cursor.next()) {
      this.#finish();
      return DONE;
    }
    const value = this.#project(cursor.key, cursor.value);
    if (--this.#left === 0) this.#finish();
    return { done: false, value };
  }

  /** Ends the iteration early (`break` in `for...of` calls it) and releases the trees. */
  return(): IteratorResult<T> {
    this.#finish();
    return DONE;
  }

  /** The iterator itself, so that it works in `for...of` and spreads. */
  [Symbol.iterator](): this {
    return this;
  }

  #finish(): void {
    this.#cursor = undefined;
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}
