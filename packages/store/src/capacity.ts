/**
 * Most keys one shard is allowed to hold: 2^24 - 2^20 (15,728,640), the limit from when shards
 * were V8 `Map`s (capped at 2^24 entries); a shard's hash table at the cap uses 2^25 slots.
 * A `ShardedStore` holds up to `shards` times this many keys.
 */
export const MAX_KEYS_PER_SHARD: number = 2 ** 24 - 2 ** 20;
