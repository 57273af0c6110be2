import type { EntryCursor } from './cursor.js';
import { compareSortable } from './key-order.js';
import type { StoredValue } from './value-codec.js';

/**
 * A k-way merge of ordered cursors (a sharded store's shards) into one ordered stream, through
 * a binary heap on the cursors' current keys: starting costs one step of every cursor, each step
 * one step of one cursor plus O(log k) comparisons. Keys must be distinct across the cursors
 * (a key lives in one shard).
 */
export class MergedCursor implements EntryCursor {
  /** The current key, in `sortableKey` form. */
  key = '';
  /** The current stored value. */
  value: StoredValue = '';
  readonly #heap: EntryCursor[] = [];
  /** +1 ascending, -1 descending. */
  readonly #sign: number;
  /** Whether the heap's top was handed out and must be stepped before the next look. */
  #started = false;

  /** Merges `cursors` (not yet stepped), ascending or, if `reverse`, descending. */
  constructor(cursors: readonly EntryCursor[], reverse: boolean) {
    this.#sign = reverse ? -1 : 1;
    for (const cursor of cursors) if (cursor.next()) this.#heap.push(cursor);
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  /** Moves to the next entry of the merged stream; `false` once every cursor is done. */
  next(): boolean {
    const heap = this.#heap;
    if (this.#started && heap.length > 0) {
      if (heap[0]!.next()) this.#down(0);
      else {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          this.#down(0);
        }
      }
    }
    this.#started = true;
    if (heap.length === 0) return false;
    const top = heap[0]!;
    this.key = top.key;
    this.value = top.value;
    return true;
  }

  #before(a: EntryCursor, b: EntryCursor): boolean {
    return compareSortable(a.key, b.key) * this.#sign < 0;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#before(heap[right]!, heap[left]!) ? right : left;
      if (!this.#before(heap[child]!, item)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}
