export {
  RespProtocolError,
  type RespProtocolErrorCode,
  RespUsageError,
  type RespUsageErrorCode,
} from './errors.js';
export { DEFAULT_RESP_LIMITS, type RespLimits, resolveRespLimits } from './limits.js';
export { type BulkValue, ReplyWriter, type RespVersion } from './reply-writer.js';
export { RequestParser } from './request-parser.js';
