export {
  JetStreamBadMessageError,
  JetStreamLogError,
  type JetStreamLogErrorCode,
} from './errors.js';
export type { JetStreamLog, JetStreamLogStats } from './log.js';
export { openJetStreamLog } from './open.js';
export type { JetStreamLogOptions } from './options.js';
