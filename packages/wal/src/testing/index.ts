/**
 * Test helpers of `@hermes/wal`: a fault-injecting file system for the log's port.
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
