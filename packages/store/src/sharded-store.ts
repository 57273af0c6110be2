import { MAX_KEYS_PER_SHARD } from './capacity.js';
import { StoreError } from './errors.js';
import { hashString } from './hash.js';
import { MapStore } from './map-store.js';

/** Options of {@link ShardedStore}. */
export interface ShardedStoreOptions {
  /**
   * How many shards (each its own hash table and its own lock): an integer from 1 to 65536; a power
   * of two picks the shard with a mask instead of a division. @default 16
   */
  readonly shards?: number;
  /**
   * Most keys one shard holds; a write that would add one more to a full shard rejects
   * `STORE_FULL`. An integer from 1 to `MAX_KEYS_PER_SHARD`. @default MAX_KEYS_PER_SHARD (15,728,640)
   */
  readonly maxKeysPerShard?: number;
}

/** The default shard count of {@link ShardedStore}. */
export const DEFAULT_SHARDS = 16;

/**
 * An in-memory store split into shards by a hash of the key, each with its own hash table and
 * its own readers-writer lock: conditional writes on different shards run concurrently, and a
 * growing shard rehashes only its share of the data. One ordered tree beside the tables serves
 * ordered reads and snapshots for every shard.
 * Multi-shard locks are taken in ascending shard order, so they never deadlock.
 *
 * Throws `STORE_INVALID_OPTION` for a bad shard count or key limit.
 */
export class ShardedStore extends MapStore {
  /** The number of shards. */
  readonly shards: number;

  /** Creates an empty store with `options.shards` shards (default 16). */
  constructor(options: ShardedStoreOptions = {}) {
    const shards = options.shards ?? DEFAULT_SHARDS;
    if (!Number.isInteger(shards) || shards < 1 || shards > 65536) {
      throw new StoreError(
        'STORE_INVALID_OPTION',
        `shards must be an integer from 1 to 65536, got ${String(shards)}.`,
      );
    }
    super(shards, shardFunction(shards), options.maxKeysPerShard ?? MAX_KEYS_PER_SHARD);
    this.shards = shards;
  }
}

/** The function that picks the shard of a key in a `ShardedStore` of `shards` shards. */
export function shardFunction(shards: number): (key: string) => number {
  const mask = shards - 1;
  return (shards & mask) === 0
    ? (key: string): number => hashString(key) & mask
    : (key: string): number => hashString(key) % shards;
}
