import type { BatchOp } from '@hermes/store';
import { isAppliedClear, type RecordedChange, sizeOf } from './change-history.js';
import { DurableStoreError } from './errors.js';
import type { KeyFilter } from './key-filter.js';
import { copyValue } from './validate.js';
import type { Change, ChangeId, ChangeOp, ChangeStream, ResyncReason } from './watch-types.js';

/** What a watcher holds for its consumer: a recorded change (maybe filtered) or the resync notice. */
type Item = RecordedChange | { readonly resync: ResyncReason; readonly id: ChangeId };

/** The settle functions of a `next()` waiting for a change. */
interface Waiter {
  readonly resolve: (result: IteratorResult<Change, undefined>) => void;
  readonly reject: (error: unknown) => void;
}

/** How a watcher is set up by the feed. */
export interface WatcherSettings {
  readonly from: ChangeId;
  readonly filter: KeyFilter | undefined;
  readonly maxBuffered: number;
  readonly maxBufferedBytes: number;
  /** Told once, synchronously, when the watcher overflows. */
  readonly onOverflow: ((error: DurableStoreError) => void) | undefined;
  /** Removes the watcher from the feed (called once, when it stops for any reason). */
  readonly detach: (watcher: Watcher) => void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * One watch: a bounded queue between the feed (which offers each change synchronously, inside the
 * log's completion) and a consumer reading it as an async iterator. Past its bounds (checked at
 * the next turn of the event loop) it drops everything it holds, leaves the feed, and its next
 * `next()` rejects `DURABLE_WATCH_OVERFLOW`.
 */
export class Watcher implements ChangeStream {
  /** The id of the last change before the first this watch delivers. */
  readonly from: ChangeId;
  readonly #settings: WatcherSettings;
  #queue: Item[] = [];
  #head = 0;
  #bytes = 0;
  #waiters: Waiter[] = [];
  /** `open`: takes changes; `ending`: the store closed, what is queued is still read; `done`. */
  #state: 'open' | 'ending' | 'done' = 'open';
  #failure: DurableStoreError | undefined;
  /** Whether a check of the bounds is scheduled. */
  #checking = false;

  constructor(settings: WatcherSettings) {
    this.from = settings.from;
    this.#settings = settings;
  }

  /** Changes (and the resync notice) waiting to be read. */
  get buffered(): number {
    return this.#queue.length - this.#head;
  }

  /** Queues the resync notice (before anything else). */
  resync(reason: ResyncReason, id: ChangeId): void {
    this.#queue.push({ resync: reason, id });
  }

  /** Takes `change` if it touches a watched key; past the bounds, fails the watch. */
  offer(change: RecordedChange): void {
    if (this.#state !== 'open') return;
    const item = this.#filtered(change);
    if (item === undefined) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter.resolve({ done: false, value: toChange(item) });
      return;
    }
    this.#queue.push(item);
    this.#bytes += item.bytes;
    // Writes made durable together (a group commit) are offered in one synchronous run, which
    // no consumer can read during: the bounds are checked once the run is over and the consumer
    // had its turn, so a prompt reader never overflows on a large group.
    if (!this.#checking && this.#over()) {
      this.#checking = true;
      setImmediate(() => {
        this.#checking = false;
        if (this.#state === 'open' && this.#over()) this.#overflow();
      });
    }
  }

  /** The store closed: no more changes; the consumer reads what is queued, then is done. */
  end(): void {
    if (this.#state !== 'open') return;
    this.#state = 'ending';
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(DONE);
  }

  next(): Promise<IteratorResult<Change, undefined>> {
    if (this.#head < this.#queue.length) {
      return Promise.resolve({ done: false, value: toChange(this.#take()) });
    }
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#failure = undefined;
      return Promise.reject(failure);
    }
    if (this.#state !== 'open') return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorReturnResult<undefined>> {
    this.#stop();
    this.#failure = undefined;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(DONE);
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #take(): Item {
    const item = this.#queue[this.#head]!;
    this.#queue[this.#head] = undefined as never;
    this.#head++;
    if ('seq' in item) this.#bytes -= item.bytes;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Whether more is held than the bounds allow (one change is always allowed, whatever its size). */
  #over(): boolean {
    const held = this.buffered;
    return (
      held > this.#settings.maxBuffered ||
      (held > 1 && this.#bytes > this.#settings.maxBufferedBytes)
    );
  }

  #overflow(): void {
    const { maxBuffered, maxBufferedBytes } = this.#settings;
    this.#failure = new DurableStoreError(
      'DURABLE_WATCH_OVERFLOW',
      `The watcher fell behind by more than ${maxBuffered} changes or ${maxBufferedBytes} bytes, so it was stopped and the changes it held were dropped. Watch again with since: <the id of the last change you handled> (or re-read the keys if that answers resync), and read faster or raise maxBuffered / maxBufferedBytes.`,
    );
    this.#stop();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
    this.#settings.onOverflow?.(this.#failure);
  }

  /** Leaves the feed and drops what is held. */
  #stop(): void {
    if (this.#state === 'open') this.#settings.detach(this);
    this.#state = 'done';
    this.#queue = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  /** `change` restricted to the watched keys, or `undefined` when it touches none. */
  #filtered(change: RecordedChange): RecordedChange | undefined {
    const { filter } = this.#settings;
    const { ops } = change;
    if (filter === undefined || ops === 'every key') return change;
    if (isAppliedClear(ops)) {
      const keys = ops.keys.filter(filter);
      if (keys.length === 0) return undefined;
      if (keys.length === ops.keys.length) return change;
      const kept = { type: 'clear' as const, range: ops.range, keys };
      return { seq: change.seq, id: change.id, ops: kept, bytes: sizeOf(kept) };
    }
    if (!Array.isArray(ops)) return filter((ops as BatchOp).key) ? change : undefined;
    const kept = (ops as readonly BatchOp[]).filter((op) => filter(op.key));
    if (kept.length === 0) return undefined;
    if (kept.length === ops.length) return change;
    return { seq: change.seq, id: change.id, ops: kept, bytes: sizeOf(kept) };
  }
}

/** The consumer's view of `item`, with its own copies of the values. */
function toChange(item: Item): Change {
  if ('resync' in item) return { id: item.id, type: 'resync', reason: item.resync };
  const { id, ops } = item;
  if (ops === 'every key') return { id, type: 'clear' };
  if (isAppliedClear(ops))
    return { id, type: 'clear', range: { ...ops.range }, keys: [...ops.keys] };
  if (Array.isArray(ops)) {
    return { id, type: 'batch', ops: (ops as readonly BatchOp[]).map(copyOp) };
  }
  const op = ops as BatchOp;
  return op.type === 'set'
    ? { id, type: 'set', key: op.key, value: copyValue(op.value) }
    : { id, type: 'delete', key: op.key };
}

function copyOp(op: BatchOp): ChangeOp {
  return op.type === 'set' ? { type: 'set', key: op.key, value: copyValue(op.value) } : op;
}
