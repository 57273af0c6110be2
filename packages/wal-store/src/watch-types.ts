import type { KeyBounds } from '@hermes/store';
import type { DurableStoreError } from './errors.js';

/**
 * The position of a change in a store's change feed: `<epoch>-<sequence>`, where the epoch is
 * fresh each time the store is opened and the sequence grows by one per durable write. Opaque:
 * keep it to resume with {@link WatchOptions.since}, compare ids only by equality.
 */
export type ChangeId = string;

/**
 * One write of a `batch` change, as it was applied: a `BatchOp` whose value is the watcher's own
 * copy, a `Buffer` as every value a Hermes store hands out.
 */
export type ChangeOp =
  | { readonly type: 'set'; readonly key: string; readonly value: Buffer }
  | { readonly type: 'delete'; readonly key: string };

/**
 * One durable change, delivered in log order:
 * - `set` / `delete`: a single-key write (`set`, `delete`, `putIfAbsent`, `compareAndSet`, or an
 *   `update` with one op);
 * - `batch`: a multi-key write (`batch`, `update`), as one change, its ops filtered to the
 *   watched keys (a batch that touches none of them is not delivered);
 * - `clear` without `range`: `clear()` removed every key (delivered to every watcher, whatever
 *   its filter);
 * - `clear` with `range`: `clear(range)` removed the keys within `range` (the bounds it was
 *   logged with: the prefix folded in, and narrowed to the keys removed when it had a `limit`),
 *   as one change; `keys` lists those it removed, in key order, filtered to the watched keys (a
 *   clear that removed none of them is not delivered);
 * - `resync`: only ever first, when `since` named a position the feed no longer holds (see
 *   {@link WatchOptions.since}): changes were missed, re-read what you need. Its `id` is the
 *   position the watch starts from.
 */
export type Change =
  | {
      readonly id: ChangeId;
      readonly type: 'set';
      readonly key: string;
      /** The watcher's own copy of the value. */
      readonly value: Buffer;
    }
  | { readonly id: ChangeId; readonly type: 'delete'; readonly key: string }
  | { readonly id: ChangeId; readonly type: 'batch'; readonly ops: readonly ChangeOp[] }
  | { readonly id: ChangeId; readonly type: 'clear'; readonly range?: never; readonly keys?: never }
  | {
      readonly id: ChangeId;
      readonly type: 'clear';
      readonly range: KeyBounds;
      readonly keys: readonly string[];
    }
  | { readonly id: ChangeId; readonly type: 'resync'; readonly reason: ResyncReason };

/**
 * Why a watch could not resume: `'expired'` when the id is older than the history the store
 * still holds; `'unknown'` when the id is not one this store handed out since it was opened
 * (it comes from before a restart, from another store, or is malformed).
 */
export type ResyncReason = 'expired' | 'unknown';

/**
 * Which changes a watch delivers and how many it may hold for a slow consumer. Key bounds compare
 * keys by their UTF-8 bytes (as LevelDB and lmdb order keys); all given bounds must hold.
 */
export interface WatchOptions {
  /** Only keys that start with this string. @default '' (every key) */
  readonly prefix?: string;
  /** Only keys after this one (exclusive). Not with `gte`. */
  readonly gt?: string;
  /** Only keys from this one on (inclusive). Not with `gt`. */
  readonly gte?: string;
  /** Only keys before this one (exclusive). Not with `lte`. */
  readonly lt?: string;
  /** Only keys up to this one (inclusive). Not with `lt`. */
  readonly lte?: string;
  /**
   * Changes held for a consumer that has not read them yet; more makes the watch fail with
   * `DURABLE_WATCH_OVERFLOW`. Checked at the next turn of the event loop after changes arrive,
   * so writes made durable together (one group commit, bounded by the log's batch size) never
   * fail a consumer that reads promptly. @default 10000
   */
  readonly maxBuffered?: number;
  /**
   * Bytes (keys and values, approximately) held for a consumer that has not read them yet; more
   * makes the watch fail with `DURABLE_WATCH_OVERFLOW`, as `maxBuffered`. One change is always
   * held, whatever its size. @default 16 MiB
   */
  readonly maxBufferedBytes?: number;
  /**
   * Told synchronously, once, when the watch overflows (its next read will throw the same
   * error): for a consumer that waits on something else, such as a socket to drain, and must
   * learn at once. It must be quick and must not throw.
   */
  readonly onOverflow?: (error: DurableStoreError) => void;
  /**
   * Resume after this change: the changes after it that the store's history still holds are
   * delivered first, then live ones, with no gap and no duplicate. If the history no longer holds
   * them, or the id is not this store's (e.g. from before a restart), the first change is a
   * `resync` instead, and the watch goes on live from now.
   */
  readonly since?: ChangeId;
}

/** How much recent history the store keeps for {@link WatchOptions.since}. */
export interface WatchHistoryOptions {
  /** Changes kept; 0 keeps none (only the latest id resumes). @default 10000 */
  readonly maxChanges?: number;
  /** Bytes (keys and values) kept. @default 16 MiB */
  readonly maxBytes?: number;
}

/**
 * A running watch: an async iterator of {@link Change}s, subscribed from the moment `watch()`
 * returned. `return()` (or `break` out of `for await`) stops it; closing the store ends it once
 * the changes it holds are read. It throws `DURABLE_WATCH_OVERFLOW` when the consumer fell too
 * far behind, and is then finished.
 */
export interface ChangeStream extends AsyncIterableIterator<Change, undefined> {
  /**
   * Where this watch starts: the id of the last change before the first it delivers. Passing it
   * as `since` to a later watch replays every change this one would have delivered, while the
   * history still holds them.
   */
  readonly from: ChangeId;
  /** Changes waiting to be read now. */
  readonly buffered: number;
  /** Stops the watch: pending and later `next()` calls are done; buffered changes are dropped. */
  return(): Promise<IteratorReturnResult<undefined>>;
}
