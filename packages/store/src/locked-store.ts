import { MapStore } from './map-store.js';

const firstShard = (): number => 0;

/**
 * An in-memory store behind one readers-writer lock: every conditional write is ordered against
 * every other. Holds up to `MAX_KEYS_PER_SHARD` (15,728,640) keys; use `ShardedStore` for more.
 *
 * @example
 * const store = new LockedStore();
 * await store.set('user:1', Buffer.from('Ada'));
 * store.get('user:1'); // <Buffer 41 64 61>
 */
export class LockedStore extends MapStore {
  /** Creates an empty store. */
  constructor() {
    super(1, firstShard);
  }
}
