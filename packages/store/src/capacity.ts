/**
 * Most keys one shard's `Map` is allowed to hold: 2^24 - 2^20 (15,728,640).
 *
 * V8 refuses to grow a `Map` past 2^24 entries and counts deleted slots until it rehashes, so a
 * map kept a little below the hard limit always has room to compact and keep accepting writes.
 * A `ShardedStore` holds up to `shards` times this many keys.
 */
export const MAX_KEYS_PER_SHARD: number = 2 ** 24 - 2 ** 20;
