export { DurableStoreError, type DurableStoreErrorCode } from './errors.js';
export { openDurableStore } from './open.js';
export {
  DEFAULT_BACKOFF_MS,
  DEFAULT_COMPACTION_RATIO,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MIN_LOG_BYTES,
} from './options.js';
export type {
  AppliedKeys,
  CompactionOptions,
  CompactionReport,
  DurableHealth,
  DurableStats,
  DurableStore,
  DurableStoreEvents,
  DurableStoreOptions,
  UpdatePlan,
  UpdateRead,
} from './types.js';
