import { randomBytes } from 'node:crypto';
import { type AppliedOps, ChangeHistory, sizeOf } from './change-history.js';
import { DurableStoreError } from './errors.js';
import { keyFilter } from './key-filter.js';
import type { ResolvedWatchHistory } from './options.js';
import type { ChangeId, ChangeStream, WatchOptions } from './watch-types.js';
import { Watcher } from './watcher.js';

/** Default of {@link WatchOptions.maxBuffered}. */
export const DEFAULT_WATCH_MAX_BUFFERED: number = 10_000;
/** Default of {@link WatchOptions.maxBufferedBytes}: 16 MiB. */
export const DEFAULT_WATCH_MAX_BUFFERED_BYTES: number = 16 * 1024 * 1024;

/**
 * The durable store's change feed: told of every applied write (in log order, once durable), it
 * numbers it, keeps it in a bounded history and offers it to every watcher. Its epoch is fresh
 * for each opening, so ids from before a restart are told apart.
 */
export class ChangeFeed {
  readonly #epoch: string = randomBytes(6).toString('hex');
  readonly #history: ChangeHistory;
  readonly #watchers = new Set<Watcher>();
  #seq = 0;

  constructor(history: ResolvedWatchHistory) {
    this.#history = new ChangeHistory(history.maxChanges, history.maxBytes);
  }

  /** Records one applied write and offers it to every watcher. Never throws. */
  applied(ops: AppliedOps): void {
    const seq = ++this.#seq;
    const change = { seq, id: `${this.#epoch}-${seq}`, ops, bytes: sizeOf(ops) };
    this.#history.push(change);
    for (const watcher of this.#watchers) watcher.offer(change);
  }

  /**
   * Starts a watch now (see `DurableStore.watch`). Throws `DURABLE_INVALID_OPTIONS` for bad
   * options.
   */
  watch(options: WatchOptions = {}): ChangeStream {
    if (options === null || typeof options !== 'object') {
      throw invalid('watch options must be an object.');
    }
    const filter = keyFilter(options);
    const maxBuffered = bound(options.maxBuffered, 'maxBuffered', DEFAULT_WATCH_MAX_BUFFERED);
    const maxBufferedBytes = bound(
      options.maxBufferedBytes,
      'maxBufferedBytes',
      DEFAULT_WATCH_MAX_BUFFERED_BYTES,
    );
    const { since, onOverflow } = options;
    if (onOverflow !== undefined && typeof onOverflow !== 'function') {
      throw invalid('watch option onOverflow must be a function.');
    }
    if (since !== undefined && typeof since !== 'string') {
      throw invalid('watch option since must be a change id (a string).');
    }
    const now = this.#id(this.#seq);
    const seq = since === undefined ? this.#seq : this.#parse(since);
    const replay = seq === undefined ? undefined : this.#history.after(seq, this.#seq);
    const watcher = new Watcher({
      from: replay === undefined ? now : (since ?? now),
      filter,
      maxBuffered,
      maxBufferedBytes,
      onOverflow,
      detach: (w) => this.#watchers.delete(w),
    });
    // Subscribed and replayed in one synchronous step: no change can fall between the two.
    this.#watchers.add(watcher);
    if (replay === undefined) {
      watcher.resync(seq === undefined || seq > this.#seq ? 'unknown' : 'expired', now);
    } else for (const change of replay) watcher.offer(change);
    return watcher;
  }

  /** Ends every watch (the store closed): each finishes once its consumer read what it holds. */
  end(): void {
    for (const watcher of this.#watchers) watcher.end();
    this.#watchers.clear();
  }

  #id(seq: number): ChangeId {
    return `${this.#epoch}-${seq}`;
  }

  /** The sequence of `id` if it is of this feed's epoch, else `undefined`. */
  #parse(id: ChangeId): number | undefined {
    const dash = id.lastIndexOf('-');
    if (dash < 0 || id.slice(0, dash) !== this.#epoch) return undefined;
    const digits = id.slice(dash + 1);
    if (!/^\d{1,15}$/.test(digits)) return undefined;
    return Number(digits);
  }
}

function bound(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`watch option ${name} must be a whole number >= 1, got ${String(value)}.`);
  }
  return value;
}

function invalid(message: string): DurableStoreError {
  return new DurableStoreError('DURABLE_INVALID_OPTIONS', message);
}
