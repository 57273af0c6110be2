import type { BatchOp, KeyBounds } from '@hermes/store';
import type { ChangeId } from './watch-types.js';

/** A ranged clear as applied: the bounds it was logged with and the keys it removed, in key order. */
export interface AppliedClear {
  readonly type: 'clear';
  readonly range: KeyBounds;
  readonly keys: readonly string[];
}

/** What one applied write changed: one op, a batch's ops, a ranged clear, or every key (`clear()`). */
export type AppliedOps = BatchOp | readonly BatchOp[] | AppliedClear | 'every key';

/** Whether `ops` is a ranged clear. */
export function isAppliedClear(ops: AppliedOps): ops is AppliedClear {
  return (
    typeof ops === 'object' && !Array.isArray(ops) && (ops as { type: string }).type === 'clear'
  );
}

/** A change as the feed records it, shared by the history and every watcher's buffer. */
export interface RecordedChange {
  /** Position in the feed: 1 for the first change after the feed started, then +1 each. */
  readonly seq: number;
  /** `<epoch>-<seq>`, made once and shared by every watcher. */
  readonly id: ChangeId;
  /** What the write changed; the values are the store's own, copied before they are handed out. */
  readonly ops: AppliedOps;
  /** Approximate memory held: key and value bytes plus a fixed overhead per op. */
  readonly bytes: number;
}

/** Fixed bytes counted per change and per op on top of keys and values. */
const OVERHEAD = 64;

/** The approximate memory `ops` hold (keys count 2 bytes a UTF-16 unit, as V8 may store them). */
export function sizeOf(ops: AppliedOps): number {
  if (ops === 'every key') return OVERHEAD;
  if (isAppliedClear(ops)) {
    let bytes = OVERHEAD * 2;
    for (const key of ops.keys) bytes += OVERHEAD + 2 * key.length;
    return bytes;
  }
  if (!Array.isArray(ops)) return OVERHEAD + opSize(ops as BatchOp);
  let bytes = OVERHEAD;
  for (const op of ops as readonly BatchOp[]) bytes += opSize(op);
  return bytes;
}

function opSize(op: BatchOp): number {
  return OVERHEAD + 2 * op.key.length + (op.type === 'set' ? op.value.byteLength : 0);
}

/**
 * The most recent changes, within a count and a byte bound (the oldest go first), so that a
 * watch can resume after a change it saw. Sequences are contiguous: every change is recorded.
 */
export class ChangeHistory {
  readonly #maxChanges: number;
  readonly #maxBytes: number;
  #items: RecordedChange[] = [];
  #head = 0;
  #bytes = 0;

  constructor(maxChanges: number, maxBytes: number) {
    this.#maxChanges = maxChanges;
    this.#maxBytes = maxBytes;
  }

  /** Records `change` (the next sequence) and forgets the oldest ones past the bounds. */
  push(change: RecordedChange): void {
    if (this.#maxChanges === 0) return;
    this.#items.push(change);
    this.#bytes += change.bytes;
    while (
      this.#items.length - this.#head > this.#maxChanges ||
      (this.#bytes > this.#maxBytes && this.#head < this.#items.length)
    ) {
      this.#bytes -= this.#items[this.#head]!.bytes;
      this.#items[this.#head] = undefined as never;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * The changes after sequence `seq` (empty when `seq` is `latest`), or `undefined` when some of
   * them are no longer held (or `seq` is not a position of this feed).
   */
  after(seq: number, latest: number): readonly RecordedChange[] | undefined {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > latest) return undefined;
    if (seq === latest) return [];
    const first = this.#items[this.#head]?.seq ?? latest + 1;
    if (seq < first - 1) return undefined;
    return this.#items.slice(this.#head + (seq - first + 1));
  }
}
