import { checksum, writeHex32 } from './checksum.js';
import { RecordError } from './errors.js';
import { CRC_PREFIX, NEWLINE, SPACE } from './format.js';
import { encodeKey } from './key.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { LogRecord, Op, RecordLimits } from './types.js';

/**
 * Encodes one record as a complete v1 line, newline included:
 * `<crc32 hex> SET <key> <base64>`, `<crc32 hex> DEL <key>` or
 * `<crc32 hex> BATCH <n> <op> ... <op>` (see FORMAT.md).
 * @param limits Sizes to enforce. @default DEFAULT_LIMITS
 * @throws RecordError `RECORD_KEY_NOT_WELL_FORMED` (lone surrogate), `RECORD_KEY_TOO_LARGE`,
 *   `RECORD_VALUE_TOO_LARGE`, `RECORD_BATCH_EMPTY`, `RECORD_BATCH_TOO_LARGE`,
 *   `RECORD_LINE_TOO_LARGE`, `RECORD_INVALID` (not a record: unknown type, nested batch,
 *   a key that is not a string, a value that is not a Uint8Array).
 */
export function encodeRecord(record: LogRecord, limits: RecordLimits = DEFAULT_LIMITS): Buffer {
  if (record === null || typeof record !== 'object') throw invalid('a record must be an object');
  let body: string;
  if (record.type === 'batch') {
    const ops = record.ops;
    if (!Array.isArray(ops)) throw invalid('a batch needs an array of ops');
    if (ops.length === 0) {
      throw new RecordError(
        'RECORD_BATCH_EMPTY',
        'A batch needs at least one op; skip the append instead.',
      );
    }
    if (ops.length > limits.maxBatchOps) {
      throw new RecordError(
        'RECORD_BATCH_TOO_LARGE',
        `The batch has ${ops.length} ops, over the limit of ${limits.maxBatchOps} (maxBatchOps); split it or raise the limit.`,
      );
    }
    body = `BATCH ${ops.length}`;
    for (const op of ops) body += ` ${encodeOp(op, limits, true)}`;
  } else {
    body = encodeOp(record, limits, false);
  }
  const length = CRC_PREFIX + body.length + 1;
  if (length > limits.maxLineBytes) {
    throw new RecordError(
      'RECORD_LINE_TOO_LARGE',
      `The encoded line takes ${length} bytes, over the limit of ${limits.maxLineBytes} (maxLineBytes); store less in one record or raise the limit.`,
    );
  }
  const line = Buffer.allocUnsafe(length);
  line.write(body, CRC_PREFIX, 'latin1');
  line[CRC_PREFIX - 1] = SPACE;
  line[length - 1] = NEWLINE;
  writeHex32(line, 0, checksum(line, CRC_PREFIX, length - 1));
  return line;
}

function encodeOp(op: Op, limits: RecordLimits, inBatch: boolean): string {
  if (op === null || typeof op !== 'object') throw invalid('an op must be an object');
  if (op.type === 'set') {
    const key = encodeKey(op.key, limits.maxKeyBytes);
    return `SET ${key} ${encodeValue(op.value, limits.maxValueBytes)}`;
  }
  if (op.type === 'delete') return `DEL ${encodeKey(op.key, limits.maxKeyBytes)}`;
  if ((op as { type: unknown }).type === 'batch' && inBatch) {
    throw invalid('a batch cannot hold another batch; flatten its ops into one');
  }
  throw invalid(`unknown type ${JSON.stringify((op as { type: unknown }).type)}`);
}

function encodeValue(value: Uint8Array, max: number): string {
  if (!(value instanceof Uint8Array)) throw invalid('a value must be a Uint8Array (or Buffer)');
  if (value.byteLength > max) {
    throw new RecordError(
      'RECORD_VALUE_TOO_LARGE',
      `The value takes ${value.byteLength} bytes, over the limit of ${max} (maxValueBytes); store less or raise the limit.`,
    );
  }
  const bytes = Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return bytes.toString('base64');
}

function invalid(what: string): RecordError {
  return new RecordError('RECORD_INVALID', `Not a valid record: ${what}.`);
}
