export { MAX_KEYS_PER_SHARD } from './capacity.js';
export type * from './contract.js';
export { isStoreError, StoreError, type StoreErrorCode } from './errors.js';
export { hashString } from './hash.js';
export { LockedStore, type LockedStoreOptions } from './locked-store.js';
export type { MapStore } from './map-store.js';
export { type Grant, RwLock } from './rw-lock.js';
export { DEFAULT_SHARDS, ShardedStore, type ShardedStoreOptions } from './sharded-store.js';
