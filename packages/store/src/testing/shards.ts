import { shardFunction } from '../sharded-store.js';

/**
 * The shard a `ShardedStore` of `shards` shards keeps `key` in: for tests that need keys that
 * share a shard (and so its lock) or keys that do not.
 */
export function shardOfKey(key: string, shards: number): number {
  return shardFunction(shards)(key);
}
