import { base64Length, writeBase64 } from './base64.js';
import { crc32 } from './crc32.js';
import { RecordError } from './errors.js';
import { CRC_PREFIX, NEWLINE, SPACE } from './format.js';
import { writeHex32 } from './hex.js';
import { keyField } from './key.js';
import { writeLatin1 } from './latin1.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { LogRecord, Op, RecordLimits } from './types.js';

const S = 83;
const E = 69;
const T = 84;
const D = 68;
const L = 76;

/**
 * Encodes one record as a complete v1 line, newline included:
 * `<crc32 hex> SET <key> <base64>`, `<crc32 hex> DEL <key>` or
 * `<crc32 hex> BATCH <n> <op> ... <op>` (see FORMAT.md). The line is a fresh Buffer (small ones
 * come from Node's shared pool, like `Buffer.allocUnsafe`).
 * @param limits Sizes to enforce. @default DEFAULT_LIMITS
 * @throws RecordError `RECORD_KEY_NOT_WELL_FORMED` (lone surrogate), `RECORD_KEY_TOO_LARGE`,
 *   `RECORD_VALUE_TOO_LARGE`, `RECORD_BATCH_EMPTY`, `RECORD_BATCH_TOO_LARGE`,
 *   `RECORD_LINE_TOO_LARGE`, `RECORD_INVALID` (not a record: unknown type, nested batch,
 *   a key that is not a string, a value that is not a Uint8Array).
 */
export function encodeRecord(record: LogRecord, limits: RecordLimits = DEFAULT_LIMITS): Buffer {
  if (record === null || typeof record !== 'object') throw invalid('a record must be an object');
  if (record.type === 'batch') return encodeBatch(record.ops, limits);
  const key = keyField(opKey(record), limits.maxKeyBytes);
  const value = opValue(record, limits);
  const line = allocLine(opSize(key, value), limits);
  writeOp(line, CRC_PREFIX, key, value);
  return seal(line);
}

function encodeBatch(ops: readonly Op[], limits: RecordLimits): Buffer {
  if (!Array.isArray(ops)) throw invalid('a batch needs an array of ops');
  const count = ops.length;
  if (count === 0) {
    throw new RecordError(
      'RECORD_BATCH_EMPTY',
      'A batch needs at least one op; skip the append instead.',
    );
  }
  if (count > limits.maxBatchOps) {
    throw new RecordError(
      'RECORD_BATCH_TOO_LARGE',
      `The batch has ${count} ops, over the limit of ${limits.maxBatchOps} (maxBatchOps); split it or raise the limit.`,
    );
  }
  const keys: string[] = new Array(count);
  const values: (Uint8Array | undefined)[] = new Array(count);
  const head = `BATCH ${count}`;
  let size = head.length;
  for (let i = 0; i < count; i++) {
    const op = ops[i]!;
    if (op === null || typeof op !== 'object') throw invalid('an op must be an object');
    if ((op as { type: unknown }).type === 'batch') {
      throw invalid('a batch cannot hold another batch; flatten its ops into one');
    }
    keys[i] = keyField(opKey(op), limits.maxKeyBytes);
    values[i] = opValue(op, limits);
    size += 1 + opSize(keys[i]!, values[i]);
  }
  const line = allocLine(size, limits);
  let at = writeLatin1(line, CRC_PREFIX, head);
  for (let i = 0; i < count; i++) {
    line[at] = SPACE;
    at = writeOp(line, at + 1, keys[i]!, values[i]);
  }
  return seal(line);
}

/** The op's key, once its type is known to be `set` or `delete`. */
function opKey(op: Op): string {
  const type = (op as { type: unknown }).type;
  if (type !== 'set' && type !== 'delete') throw invalid(`unknown type ${JSON.stringify(type)}`);
  return op.key;
}

/** The value of a `set` (checked), `undefined` for a `delete`. */
function opValue(op: Op, limits: RecordLimits): Uint8Array | undefined {
  if (op.type === 'delete') return undefined;
  const value = op.value;
  if (!(value instanceof Uint8Array)) throw invalid('a value must be a Uint8Array (or Buffer)');
  if (value.length > limits.maxValueBytes) {
    throw new RecordError(
      'RECORD_VALUE_TOO_LARGE',
      `The value takes ${value.length} bytes, over the limit of ${limits.maxValueBytes} (maxValueBytes); store less or raise the limit.`,
    );
  }
  return value;
}

/** Bytes of `SET <key> <base64>` or `DEL <key>`. */
function opSize(key: string, value: Uint8Array | undefined): number {
  return 4 + key.length + (value === undefined ? 0 : 1 + base64Length(value.length));
}

function writeOp(line: Buffer, at: number, key: string, value: Uint8Array | undefined): number {
  if (value === undefined) {
    line[at] = D;
    line[at + 1] = E;
    line[at + 2] = L;
  } else {
    line[at] = S;
    line[at + 1] = E;
    line[at + 2] = T;
  }
  line[at + 3] = SPACE;
  const end = writeLatin1(line, at + 4, key);
  if (value === undefined) return end;
  line[end] = SPACE;
  return writeBase64(line, end + 1, value);
}

/** A buffer for a line whose body takes `bodySize` bytes. */
function allocLine(bodySize: number, limits: RecordLimits): Buffer {
  const length = CRC_PREFIX + bodySize + 1;
  if (length > limits.maxLineBytes) {
    throw new RecordError(
      'RECORD_LINE_TOO_LARGE',
      `The encoded line takes ${length} bytes, over the limit of ${limits.maxLineBytes} (maxLineBytes); store less in one record or raise the limit.`,
    );
  }
  return Buffer.allocUnsafe(length);
}

/** Writes the checksum of the body, its space and the newline. */
function seal(line: Buffer): Buffer {
  const end = line.length - 1;
  line[CRC_PREFIX - 1] = SPACE;
  line[end] = NEWLINE;
  writeHex32(line, 0, crc32(line, CRC_PREFIX, end));
  return line;
}

function invalid(what: string): RecordError {
  return new RecordError('RECORD_INVALID', `Not a valid record: ${what}.`);
}
