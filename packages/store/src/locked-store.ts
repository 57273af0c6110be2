import { MAX_KEYS_PER_SHARD } from './capacity.js';
import { MapStore } from './map-store.js';

/** Options of {@link LockedStore}. */
export interface LockedStoreOptions {
  /**
   * Most keys the store holds; a write that would add one more rejects `STORE_FULL`. An integer
   * from 1 to `MAX_KEYS_PER_SHARD`. @default MAX_KEYS_PER_SHARD (15,728,640)
   */
  readonly maxKeys?: number;
}

const firstShard = (): number => 0;

/**
 * An in-memory store behind one readers-writer lock: every conditional write is ordered against
 * every other. One hash table serves `get`/`has`, one ordered tree serves ranges and snapshots. Holds up to `MAX_KEYS_PER_SHARD` (15,728,640) keys; use `ShardedStore` for more.
 * Throws `STORE_INVALID_OPTION` for a bad `maxKeys`.
 *
 * @example
 * const store = new LockedStore();
 * await store.set('user:1', Buffer.from('Ada'));
 * store.get('user:1'); // <Buffer 41 64 61>
 */
export class LockedStore extends MapStore {
  /** Creates an empty store. */
  constructor(options: LockedStoreOptions = {}) {
    super(1, firstShard, options.maxKeys ?? MAX_KEYS_PER_SHARD);
  }
}
