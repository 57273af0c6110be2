export type { ClearRecord, LogRecord, Op, RecordErrorCode, RecordLimits } from '@hermes/record';
export { DEFAULT_LIMITS, RecordError } from '@hermes/record';
export { type BackupFiles, type BackupOptions, writeBackup } from './backup.js';
export {
  WalCorruptError,
  WalError,
  type WalErrorCode,
  WalImportError,
  WalPathError,
} from './errors.js';
export { nodeFileSystem } from './fs/node-fs.js';
export {
  type ImportOptions,
  type ImportReport,
  importSeedLog,
  type NonUtf8Keys,
} from './import.js';
export { LOCK_FILE, segmentName, snapshotName } from './layout.js';
export { openWal } from './open.js';
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_MAX_COMMIT_BYTES,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_RECORDS,
  DEFAULT_SEGMENT_BYTES,
} from './options.js';
export { salvageable } from './read/damage.js';
export type { Damage, RecoveredLog } from './read/recover.js';
export { type LogVerdict, type VerifyLogOptions, verifyLog } from './read/verify-log.js';
export {
  type AppendFile,
  type FileSystem,
  type LogFollower,
  type LogOpener,
  type LogPort,
  type LogPosition,
  type OpenedLog,
  type OpenReport,
  type ReadFile,
  type RecoveryMode,
  type ReplayProgress,
  type SnapshotWriter,
  SyncEverySecond,
  SyncEveryWrite,
  type SyncPolicy,
  type Wal,
  type WalObserver,
  type WalOptions,
  type WalStats,
} from './types.js';
export { formatMs, parseDuration, parseSize, ValueError } from './values.js';
