export type { LogFollower, LogOpener, LogPort, OpenedLog } from '@hermes/wal';
export { DEFAULT_WATCH_MAX_BUFFERED, DEFAULT_WATCH_MAX_BUFFERED_BYTES } from './change-feed.js';
export { DurableStoreError, type DurableStoreErrorCode } from './errors.js';
export { openDurableStore } from './open.js';
export {
  DEFAULT_BACKOFF_MS,
  DEFAULT_COMPACTION_RATIO,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MIN_LOG_BYTES,
  DEFAULT_WATCH_HISTORY_BYTES,
  DEFAULT_WATCH_HISTORY_CHANGES,
} from './options.js';
export type {
  AppliedKeys,
  BackupReport,
  CompactionOptions,
  CompactionReport,
  DurableHealth,
  DurableLogStoreOptions,
  DurableStats,
  DurableStore,
  DurableStoreCommonOptions,
  DurableStoreEvents,
  DurableStoreOptions,
  UpdatePlan,
  UpdateRead,
} from './types.js';
export type {
  Change,
  ChangeId,
  ChangeOp,
  ChangeStream,
  ResyncReason,
  WatchHistoryOptions,
  WatchOptions,
} from './watch-types.js';
