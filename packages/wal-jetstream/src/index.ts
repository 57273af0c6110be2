export {
  JetStreamBadMessageError,
  JetStreamLogError,
  type JetStreamLogErrorCode,
} from './errors.js';
export {
  HEARTBEAT_MS,
  type JetStreamLog,
  type JetStreamLogStats,
  MAX_DECIDE_ATTEMPTS,
  SILENCE_MS,
} from './log.js';
export { openJetStreamLog } from './open.js';
export type { JetStreamLogOptions } from './options.js';
