import { EVERY_KEY, type LockableStore, type StoreSnapshot } from '@hermes/store';
import { AbstractSnapshot } from 'abstract-level';
import { HermesLevelError } from './errors.js';
import { readAt } from './read-at.js';

/** abstract-level's snapshot class as it is at run time (its typings omit the constructor). */
const SnapshotBase = AbstractSnapshot as unknown as new (options: {
  readonly owner: unknown;
}) => AbstractSnapshot;

/**
 * An explicit snapshot (`db.snapshot()`): the store frozen right after every write called
 * before it, and none called after (see `readAt`). Taking one is O(1), with no copy (see
 * `@hermes/store`'s README for what it costs writers while it is open).
 */
export class HermesSnapshot extends SnapshotBase {
  /** The frozen store, once every earlier write is applied. */
  readonly frozen: Promise<StoreSnapshot>;
  #now: StoreSnapshot | undefined;
  #settle: { resolve(s: StoreSnapshot): void; reject(error: unknown): void } | undefined;

  /** A snapshot that {@link take} freezes; `owner` closes it on `db.close()`. */
  constructor(options: { readonly owner: unknown }) {
    super(options);
    this.frozen = new Promise<StoreSnapshot>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // A failure surfaces at the first read through the snapshot, not as an unhandled rejection.
    this.frozen.catch(() => {});
  }

  /** Freezes `store` at this call's place among the writes. */
  take(store: LockableStore): void {
    const settle = this.#settle!;
    readAt(store, EVERY_KEY, () => {
      this.#now = store.snapshot();
      return this.#now;
    }).then(settle.resolve, settle.reject);
  }

  /**
   * The frozen store, for reads that cannot wait (`getSync`). Throws
   * `HERMES_LEVEL_SNAPSHOT_PENDING` while writes called before the snapshot are still in flight.
   */
  now(): StoreSnapshot {
    if (this.#now === undefined) {
      throw new HermesLevelError(
        'HERMES_LEVEL_SNAPSHOT_PENDING',
        'The snapshot waits for writes called before it, so getSync() cannot read it yet; await those writes (or use get()) first.',
      );
    }
    return this.#now;
  }

  /** @internal Releases the frozen store (abstract-level's private API). */
  async _close(): Promise<void> {
    const frozen = await this.frozen.catch(() => undefined);
    frozen?.close();
  }
}
