export { decodeLine } from './decode.js';
export { type DecodeCallback, LogDecoder, type LogDecoderOptions } from './decoder.js';
export { encodedLength, encodeRecord, encodeRecordInto } from './encode.js';
export { RecordError } from './errors.js';
export { FILE_HEADER, FILE_HEADER_V1, type LogFormat } from './format.js';
export { DEFAULT_LIMITS, resolveLimits } from './limits.js';
export { type Crc32Backend, crc32Backend } from './native-crc.js';
export { type LineCallback, LineSplitter, type LineTail, type RangeCallback } from './splitter.js';
export type * from './types.js';
