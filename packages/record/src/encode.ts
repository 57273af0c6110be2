import { asBuffer } from './as-buffer.js';
import { base64Length } from './base64.js';
import { writeBase64Crc } from './base64-crc.js';
import { clearBody, isClearRecord } from './clear.js';
import { CRC_INIT, crc32Final, crc32Update } from './crc32.js';
import { RecordError } from './errors.js';
import { CRC_PREFIX, NEWLINE, SPACE } from './format.js';
import { writeHex32 } from './hex.js';
import { keyField, writeOrdinaryKey } from './key.js';
import { writeLatin1 } from './latin1.js';
import { DEFAULT_LIMITS, KEY_LOOP_UNTIL, NATIVE_BASE64_FROM } from './limits.js';
import { allocLine } from './line-pool.js';
import type { LogRecord, Op, RecordLimits } from './types.js';

const S = 83;
const E = 69;
const T = 84;
const D = 68;
const L = 76;

/**
 * Encodes one record as a complete line, newline included:
 * `<crc32 hex> SET <key> <base64>`, `<crc32 hex> DEL <key>`,
 * `<crc32 hex> BATCH <n> <op> ... <op>` or `<crc32 hex> CLEAR [GT|GTE <key>] [LT|LTE <key>]`
 * (see FORMAT.md; a `CLEAR` line belongs in a v2 file only). The line is a fresh Buffer (small ones
 * come from Node's shared pool, like `Buffer.allocUnsafe`).
 * @param limits Sizes to enforce. @default DEFAULT_LIMITS
 * @throws RecordError `RECORD_KEY_NOT_WELL_FORMED` (lone surrogate), `RECORD_KEY_TOO_LARGE`,
 *   `RECORD_VALUE_TOO_LARGE`, `RECORD_BATCH_EMPTY`, `RECORD_BATCH_TOO_LARGE`,
 *   `RECORD_LINE_TOO_LARGE`, `RECORD_INVALID` (not a record: unknown type, nested batch,
 *   a key that is not a string, a value that is not a Uint8Array).
 */
export function encodeRecord(record: LogRecord, limits: RecordLimits = DEFAULT_LIMITS): Buffer {
  if (isBatchRecord(record)) {
    const batch = prepareBatch(record.ops, limits);
    const line = allocLine(lineLength(batch.size, limits));
    writeOps(line, 0, line.length, batch);
    return line;
  }
  if (isClearRecord(record)) {
    const body = clearBody(record, limits);
    const line = allocLine(lineLength(body.length, limits));
    writeText(line, 0, line.length, body);
    return line;
  }
  const line = encodeOrdinary(record, limits);
  if (line !== undefined) return line;
  const single = prepareSingle(record, limits);
  const checked = allocLine(lineLength(single.size, limits));
  writeOps(checked, 0, checked.length, single);
  return checked;
}

/**
 * The common record (a short key, a short value, all within limits) encoded optimistically: the
 * key is checked for ordinary characters as it is written, not in a pass of its own. Returns
 * `undefined` for anything else, or when the key needs escapes; {@link encodeRecord} then takes
 * the careful path, which throws the right error first.
 */
function encodeOrdinary(record: Op, limits: RecordLimits): Buffer | undefined {
  const length = ordinaryLength(record, limits);
  if (length < 0) return undefined;
  const line = allocLine(length);
  return writeOrdinary(record, line, 0, length) ? line : undefined;
}

/**
 * The length of `record`'s line if it is a candidate for {@link writeOrdinary} (a set or delete
 * with a short key and a short value, within limits), else -1. Throws nothing.
 */
function ordinaryLength(record: Op, limits: RecordLimits): number {
  const key = record.key;
  if (typeof key !== 'string' || key.length > KEY_LOOP_UNTIL || key.length > limits.maxKeyBytes) {
    return -1;
  }
  let valueField = 0;
  if (record.type === 'set') {
    const value: unknown = record.value;
    if (
      !(value instanceof Uint8Array) ||
      value.length >= NATIVE_BASE64_FROM ||
      value.length > limits.maxValueBytes
    ) {
      return -1;
    }
    valueField = 1 + base64Length(value.length);
  } else if (record.type !== 'delete') {
    return -1;
  }
  const length = CRC_PREFIX + 4 + key.length + valueField + 1;
  return length > limits.maxLineBytes ? -1 : length;
}

/**
 * Writes a candidate of {@link ordinaryLength} (`length` bytes at `at`); returns false, having
 * scratched only those bytes, when the key turns out to need escapes.
 */
function writeOrdinary(record: Op, line: Buffer, at: number, length: number): boolean {
  const value = record.type === 'set' ? record.value : undefined;
  const body = at + CRC_PREFIX;
  const keyAt =
    value === undefined ? writeOpWord(line, body, D, E, L) : writeOpWord(line, body, S, E, T);
  if (!writeOrdinaryKey(line, keyAt, record.key)) return false;
  const keyEnd = keyAt + record.key.length;
  let c: number;
  if (value === undefined) {
    c = crc32Update(CRC_INIT, line, body, keyEnd);
  } else {
    line[keyEnd] = SPACE;
    c = crc32Update(CRC_INIT, line, body, keyEnd + 1);
    c = writeBase64Crc(line, keyEnd + 1, value, c);
  }
  seal(line, at, at + length - 1, c);
  return true;
}

/**
 * Encodes one record into `target` at `offset`, exactly the bytes {@link encodeRecord} would
 * return, and returns how many it wrote. Lets a writer pack many records into one buffer
 * without a buffer per line; size it with {@link encodedLength}. When it throws
 * `RECORD_BUFFER_TOO_SMALL` nothing is written; when it throws another error, bytes from
 * `offset` up to where the line would have ended may have been overwritten (never any before
 * `offset`, never beyond the room that was there).
 * @param limits Sizes to enforce. @default DEFAULT_LIMITS
 * @throws RecordError `RECORD_BUFFER_TOO_SMALL` when the line does not fit in
 *   `target[offset, target.length)` (or `offset` is not an index of it), and every error of
 *   {@link encodeRecord}.
 */
export function encodeRecordInto(
  record: LogRecord,
  target: Uint8Array,
  offset: number,
  limits: RecordLimits = DEFAULT_LIMITS,
): number {
  const line = asBuffer(target);
  if (isBatchRecord(record)) {
    const batch = prepareBatch(record.ops, limits);
    const length = lineLength(batch.size, limits);
    checkRoom(line, offset, length);
    writeOps(line, offset, length, batch);
    return length;
  }
  if (isClearRecord(record)) {
    const body = clearBody(record, limits);
    const length = lineLength(body.length, limits);
    checkRoom(line, offset, length);
    writeText(line, offset, length, body);
    return length;
  }
  const optimistic = ordinaryLength(record, limits);
  if (
    optimistic >= 0 &&
    Number.isSafeInteger(offset) &&
    offset >= 0 &&
    offset + optimistic <= line.length &&
    writeOrdinary(record, line, offset, optimistic)
  ) {
    return optimistic;
  }
  const single = prepareSingle(record, limits);
  const length = lineLength(single.size, limits);
  checkRoom(line, offset, length);
  writeOps(line, offset, length, single);
  return length;
}

/**
 * Bytes {@link encodeRecord} would return for `record` (newline included), with the same checks.
 * @param limits Sizes to enforce. @default DEFAULT_LIMITS
 * @throws RecordError every error of {@link encodeRecord}.
 */
export function encodedLength(record: LogRecord, limits: RecordLimits = DEFAULT_LIMITS): number {
  if (isBatchRecord(record)) return lineLength(prepareBatch(record.ops, limits).size, limits);
  if (isClearRecord(record)) return lineLength(clearBody(record, limits).length, limits);
  return lineLength(prepareSingle(record, limits).size, limits);
}

function isBatchRecord(record: LogRecord): record is Extract<LogRecord, { type: 'batch' }> {
  if (record === null || typeof record !== 'object') throw invalid('a record must be an object');
  return record.type === 'batch';
}

function checkRoom(target: Buffer, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > target.length) {
    throw new RecordError(
      'RECORD_BUFFER_TOO_SMALL',
      `The line takes ${length} bytes, which do not fit at offset ${String(offset)} of a ${target.length}-byte buffer; size it with encodedLength().`,
    );
  }
}

/** The ops of a line checked and their keys escaped, and the size of its body. */
interface PreparedOps {
  readonly keys: string[];
  readonly values: (Uint8Array | undefined)[];
  /** `BATCH <n>` before the ops, or `''` for a single op. */
  readonly head: string;
  readonly size: number;
}

/** A single set or delete, checked and escaped. */
function prepareSingle(op: Op, limits: RecordLimits): PreparedOps {
  const key = keyField(opKey(op), limits.maxKeyBytes);
  const value = opValue(op, limits);
  return { keys: [key], values: [value], head: '', size: opSize(key, value) };
}

function prepareBatch(ops: readonly Op[], limits: RecordLimits): PreparedOps {
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
    if ((op as { type: unknown }).type === 'clear') {
      throw invalid('a batch cannot hold a clear; append the clear as a record of its own');
    }
    keys[i] = keyField(opKey(op), limits.maxKeyBytes);
    values[i] = opValue(op, limits);
    size += 1 + opSize(keys[i]!, values[i]);
  }
  return { keys, values, head, size };
}

/** Writes a line of `length` bytes at `at` whose body is the ASCII `body`. */
function writeText(line: Buffer, at: number, length: number, body: string): void {
  const end = at + length - 1;
  writeLatin1(line, at + CRC_PREFIX, body);
  seal(line, at, end, crc32Update(CRC_INIT, line, at + CRC_PREFIX, end));
}

/**
 * Writes a whole line of `length` bytes at `at` holding `ops` (one op, or a batch after its
 * head). The checksum runs along as the body is written: short values through the base64
 * writer fused with it, everything else over the bytes just written.
 */
function writeOps(line: Buffer, at: number, length: number, ops: PreparedOps): void {
  const body = at + CRC_PREFIX;
  const { keys, values } = ops;
  let c = CRC_INIT;
  /** Start of the bytes written but not yet checksummed. */
  let unsummed = body;
  let p = writeLatin1(line, body, ops.head);
  for (let i = 0; i < keys.length; i++) {
    if (p > body) line[p++] = SPACE;
    const value = values[i];
    if (value === undefined) {
      p = writeLatin1(line, writeOpWord(line, p, D, E, L), keys[i]!);
      continue;
    }
    p = writeLatin1(line, writeOpWord(line, p, S, E, T), keys[i]!);
    line[p++] = SPACE;
    if (value.length < NATIVE_BASE64_FROM) {
      c = crc32Update(c, line, unsummed, p);
      c = writeBase64Crc(line, p, value, c);
      p += base64Length(value.length);
      unsummed = p;
    } else {
      p = writeLatin1(line, p, asBuffer(value).toString('base64'));
    }
  }
  seal(line, at, at + length - 1, crc32Update(c, line, unsummed, p));
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

/** Writes a 3-letter op word and its space at `at`; returns the index after them. */
function writeOpWord(line: Buffer, at: number, a: number, b: number, c: number): number {
  line[at] = a;
  line[at + 1] = b;
  line[at + 2] = c;
  line[at + 3] = SPACE;
  return at + 4;
}

/** Bytes of a line whose body takes `bodySize` bytes, checked against `maxLineBytes`. */
function lineLength(bodySize: number, limits: RecordLimits): number {
  const length = CRC_PREFIX + bodySize + 1;
  if (length > limits.maxLineBytes) {
    throw new RecordError(
      'RECORD_LINE_TOO_LARGE',
      `The encoded line takes ${length} bytes, over the limit of ${limits.maxLineBytes} (maxLineBytes); store less in one record or raise the limit.`,
    );
  }
  return length;
}

/** Writes the checksum (final value of register `c`), its space and the newline at `end`. */
function seal(line: Buffer, at: number, end: number, c: number): void {
  writeHex32(line, at, crc32Final(c));
  line[at + CRC_PREFIX - 1] = SPACE;
  line[end] = NEWLINE;
}

function invalid(what: string): RecordError {
  return new RecordError('RECORD_INVALID', `Not a valid record: ${what}.`);
}
