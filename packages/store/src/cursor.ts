import type { BTree } from './btree.js';
import { compareSortable } from './key-order.js';
import type { KeyRange } from './range.js';
import { type Held, heldValue } from './slot.js';
import type { StoredValue } from './value-codec.js';

/**
 * One tree's entries within a {@link KeyRange}, in its direction: `next()` moves to the next
 * one, then `key` (in `sortableKey` form) and `value` hold it. Starting costs one descent
 * (O(log n)); each step is O(1) amortized (the tree's leaf walk) plus one key comparison
 * against the far bound. The tree must not change while the cursor is in use (the stores hand
 * cursors a tree that no writer touches any more).
 */
export class TreeCursor {
  /** The current key, in `sortableKey` form. */
  key = '';
  /** The current stored value. */
  value: StoredValue = '';
  readonly #pair: [string, Held] = ['', ''];
  readonly #entries: Iterator<[string, Held]>;
  readonly #range: KeyRange;
  /** The start bound when it is exclusive and not yet passed, else `undefined`. */
  #skip: string | undefined;

  /** Positions before the first entry of `range` in `tree` (one descent). */
  constructor(tree: BTree<string, Held>, range: KeyRange) {
    this.#range = range;
    if (range.reverse) {
      this.#entries =
        range.upper === undefined
          ? tree.entriesReversed(undefined, this.#pair)
          : tree.entriesReversed(range.upper, this.#pair, range.upperOpen);
      this.#skip = undefined;
    } else {
      this.#entries = tree.entries(range.lower, this.#pair);
      this.#skip = range.lowerOpen ? range.lower : undefined;
    }
  }

  /** Moves to the next entry within the range; `false` once there is none. */
  next(): boolean {
    const step = this.#entries.next();
    if (step.done === true) return false;
    let key = step.value[0];
    if (this.#skip !== undefined) {
      const skip = this.#skip;
      this.#skip = undefined;
      if (key === skip) {
        const again = this.#entries.next();
        if (again.done === true) return false;
        key = again.value[0];
      }
    }
    if (!this.#inside(key)) return false;
    this.key = key;
    this.value = heldValue(this.#pair[1]);
    return true;
  }

  /** Whether `key` has not yet passed the far bound. */
  #inside(key: string): boolean {
    const r = this.#range;
    if (r.reverse) {
      if (r.lower === undefined) return true;
      const c = compareSortable(key, r.lower);
      return c > 0 || (c === 0 && !r.lowerOpen);
    }
    if (r.upper === undefined) return true;
    const c = compareSortable(key, r.upper);
    return c < 0 || (c === 0 && !r.upperOpen);
  }
}
