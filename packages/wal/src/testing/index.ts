/**
 * Test helpers of `@hermes/wal`: a fault-injecting file system for the log's port, temp folders
 * removed together, and the small records the log's tests write.
 * @module
 */
export type { CrashOptions } from './durability.js';
export {
  type Fault,
  type FaultHandle,
  type FaultTarget,
  FS_OPERATIONS,
  type FsOperation,
  faultError,
} from './faults.js';
export { FaultyFileSystem } from './faulty-fs.js';
export { setRecord, setRecords, testKey } from './records.js';
export { TempDirs } from './temp-dirs.js';
