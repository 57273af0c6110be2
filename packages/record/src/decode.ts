import { asBuffer } from './as-buffer.js';
import { decodeClear, isClear } from './clear.js';
import { crc32 } from './crc32.js';
import { Cursor, failure, LineFault } from './failure.js';
import { decodeFastSet } from './fast-set.js';
import { CRC_PREFIX, type LogFormat, SPACE } from './format.js';
import { readHex32 } from './hex.js';
import { decodeLegacyBody } from './legacy.js';
import { DEFAULT_LIMITS } from './limits.js';
import { fieldEnd, isBatch, isSet, parseOp } from './parse-op.js';
import type { DecodeResult, LogRecord, Op, RecordLimits } from './types.js';

/**
 * Decodes one line given WITHOUT its newline. `offset` is where the line starts in the stream;
 * it is copied into the result, whose `length` counts the newline. Never throws: every malformed
 * line yields a `DecodeFailure` naming the reason (see FORMAT.md for which reason when).
 * @param limits Sizes to enforce (`too-large` beyond them). @default DEFAULT_LIMITS
 */
export function decodeLine(
  line: Uint8Array,
  offset: number,
  format: LogFormat,
  limits: RecordLimits = DEFAULT_LIMITS,
): DecodeResult {
  const bytes = asBuffer(line);
  return decodeRange(bytes, 0, bytes.length, offset, format, limits);
}

/**
 * {@link decodeLine} of the line `bytes[start, end)` (newline excluded), without a view of it:
 * the decoder's hot path. Never throws.
 */
export function decodeRange(
  bytes: Buffer,
  start: number,
  end: number,
  offset: number,
  format: LogFormat,
  limits: RecordLimits,
): DecodeResult {
  const length = end - start + 1;
  try {
    if (length > limits.maxLineBytes) {
      return failure(
        'too-large',
        offset,
        length,
        `The line takes ${length} bytes, over maxLineBytes ${limits.maxLineBytes}.`,
      );
    }
    const record =
      format === 'legacy'
        ? decodeLegacyBody(bytes.subarray(start, end), limits)
        : decodeChecked(bytes, start, end, format, limits);
    return { ok: true, record, offset, length };
  } catch (e) {
    if (e instanceof LineFault) return failure(e.reason, offset, length, e.message);
    return failure('malformed', offset, length, `The line could not be decoded: ${String(e)}`);
  }
}

/** Decodes a line of a checksummed format (`v1` or `v2`; only `v2` holds `CLEAR` records). */
function decodeChecked(
  line: Buffer,
  start: number,
  end: number,
  format: LogFormat,
  limits: RecordLimits,
): LogRecord {
  const body = start + CRC_PREFIX;
  if (isSet(line, body)) {
    const op = decodeFastSet(line, start, end, limits);
    if (op !== undefined) return op;
  }
  if (end < body || line[body - 1] !== SPACE) {
    throw new LineFault('malformed', 'The line does not start with an 8-hex-digit checksum field.');
  }
  const stored = readHex32(line, start);
  if (stored < 0) {
    throw new LineFault('malformed', 'The checksum field is not 8 lowercase hex digits.');
  }
  const actual = crc32(line, body, end);
  if (stored !== actual) {
    throw new LineFault(
      'checksum',
      `Checksum mismatch: the line says ${line.toString('latin1', start, start + 8)}, its bytes give ${actual.toString(16).padStart(8, '0')}.`,
    );
  }
  if (isBatch(line, body)) {
    return decodeBatch(line, body + 6, end, limits);
  }
  if (isClear(line, body, end)) {
    if (format !== 'v2') {
      throw new LineFault(
        'unknown-op',
        'A CLEAR record in a version 1 file: only version 2 files (header HERMES-LOG 2) hold CLEAR records.',
      );
    }
    return decodeClear(line, body + 5, end, limits);
  }
  const cursor = new Cursor();
  const op = parseOp(line, body, end, limits, 'unknown-op', true, cursor);
  if (cursor.at !== end) throw new LineFault('malformed', 'Unexpected bytes after the record.');
  return op;
}

function decodeBatch(line: Buffer, at: number, end: number, limits: RecordLimits): LogRecord {
  const countEnd = fieldEnd(line, at, end);
  const count = readCount(line, at, countEnd);
  if (count < 1)
    throw new LineFault('bad-batch', 'The batch count is not a positive decimal number.');
  if (count > limits.maxBatchOps) {
    throw new LineFault(
      'too-large',
      `The batch has ${count} ops, over maxBatchOps ${limits.maxBatchOps}.`,
    );
  }
  const ops: Op[] = new Array(count);
  const cursor = new Cursor();
  let pos = countEnd;
  for (let i = 0; i < count; i++) {
    if (pos >= end) {
      throw new LineFault('bad-batch', `The batch announces ${count} ops but holds ${i}.`);
    }
    ops[i] = parseOp(line, pos + 1, end, limits, 'bad-batch', false, cursor);
    pos = cursor.at;
  }
  if (pos !== end) {
    throw new LineFault('bad-batch', `The batch holds more than the ${count} ops it announces.`);
  }
  return { type: 'batch', ops };
}

/** A canonical decimal count (no sign, no leading zero, at most 9 digits), or -1. */
function readCount(line: Buffer, start: number, end: number): number {
  const n = end - start;
  if (n < 1 || n > 9 || (n > 1 && line[start] === 48)) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = line[i]! - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
