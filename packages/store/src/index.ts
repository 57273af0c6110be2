export { MAX_KEYS_PER_SHARD } from './capacity.js';
export {
  type BatchOp,
  EVERY_KEY,
  type Granted,
  type LockableStore,
  type LockMode,
  type Release,
  type ScanOptions,
  type Store,
  type StoreReader,
  type StoreSnapshot,
} from './contract.js';
export { isStoreError, StoreError, type StoreErrorCode } from './errors.js';
export { type KeyBounds, keyBounds } from './key-bounds.js';
export { compareKeys } from './key-order.js';
export { LockTable } from './lock-table.js';
export { LockedStore, type LockedStoreOptions } from './locked-store.js';
export { DEFAULT_SHARDS, ShardedStore, type ShardedStoreOptions } from './sharded-store.js';
