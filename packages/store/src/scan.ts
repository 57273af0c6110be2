import type { BTree } from './btree.js';
import { TreeCursor } from './cursor.js';
import { keyOfSortable } from './key-order.js';
import type { KeyRange } from './range.js';
import type { Held } from './slot.js';
import { decodeValue, type StoredValue } from './value-codec.js';

/** Turns a stored entry (its key in `sortableKey` form) into what an iterator yields. */
export type Project<T> = (sortable: string, value: StoredValue) => T;

/** Yields `[key, value]` with a fresh copy of the value. */
export const toEntry: Project<[key: string, value: Buffer]> = (sortable, value) => [
  keyOfSortable(sortable),
  decodeValue(value),
];
/** Yields the key. */
export const toKey: Project<string> = keyOfSortable;
/** Yields a fresh copy of the value. */
export const toValue: Project<Buffer> = (_key, value) => decodeValue(value);

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator behind every `entries`/`keys`/`values`: the entries of `tree` (which no writer
 * touches any more) within `range`, up to the range's limit.
 *
 * `check` runs before every step and throws to stop a read whose store or snapshot was closed.
 * `release` runs once, when the iterator is done (exhausted, at its limit, or `return()`ed, as
 * `break` in a `for...of` does): the store may then write into those trees again.
 */
export class ScanIterator<T> implements IterableIterator<T> {
  #cursor: TreeCursor | undefined;
  #left: number;
  readonly #project: Project<T>;
  readonly #check: () => void;
  #release: (() => void) | undefined;

  /** Starts the cursor (one descent; none when `tree` is `undefined`: nothing to read); see the class comment for `check` and `release`. */
  constructor(
    tree: BTree<string, Held> | undefined,
    range: KeyRange,
    project: Project<T>,
    check: () => void,
    release: (() => void) | undefined,
  ) {
    this.#project = project;
    this.#check = check;
    this.#release = release;
    this.#left = range.limit;
    if (range.empty || tree === undefined) {
      this.#cursor = undefined;
      this.#finish();
    } else {
      this.#cursor = new TreeCursor(tree, range);
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
