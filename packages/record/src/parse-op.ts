import { base64DecodedLength, decodeBase64 } from './base64.js';
import { LineFault } from './failure.js';
import { SPACE } from './format.js';
import { decodeKey, KeyFieldError } from './key.js';
import type { Op, RecordLimits } from './types.js';

const S = 83;
const E = 69;
const T = 84;
const D = 68;
const L = 76;

/** Where {@link parseOp} stopped: the index just after the op it read. */
export let opEnd: number = 0;

/** Whether `line[at, at+4)` is `SET `. */
export function isSet(line: Uint8Array, at: number): boolean {
  return line[at] === S && line[at + 1] === E && line[at + 2] === T && line[at + 3] === SPACE;
}

/** Whether `line[at, at+4)` is `DEL `. */
export function isDel(line: Uint8Array, at: number): boolean {
  return line[at] === D && line[at + 1] === E && line[at + 2] === L && line[at + 3] === SPACE;
}

/**
 * Reads one `SET <key> <base64>` or `DEL <key>` starting at `at`, ending at the next space or
 * at `end`; sets {@link opEnd}.
 * @throws LineFault naming what is wrong.
 */
export function parseOp(
  line: Buffer,
  at: number,
  end: number,
  limits: RecordLimits,
  unknown: 'unknown-op' | 'bad-batch',
): Op {
  if (isSet(line, at)) {
    const keyStart = at + 4;
    const keyEnd = fieldEnd(line, keyStart, end);
    if (keyEnd === end) throw new LineFault('malformed', 'A SET has no value field.');
    const key = readKey(line, keyStart, keyEnd, limits);
    const valueStart = keyEnd + 1;
    const valueEnd = fieldEnd(line, valueStart, end);
    const value = readValue(line, valueStart, valueEnd, limits);
    opEnd = valueEnd;
    return { type: 'set', key, value };
  }
  if (isDel(line, at)) {
    const keyStart = at + 4;
    const keyEnd = fieldEnd(line, keyStart, end);
    const key = readKey(line, keyStart, keyEnd, limits);
    opEnd = keyEnd;
    return { type: 'delete', key };
  }
  const word = line.toString('latin1', at, Math.min(fieldEnd(line, at, end), at + 16));
  throw new LineFault(unknown, `Unknown op ${JSON.stringify(word)}.`);
}

/** Index of the next space in `line[from, end)`, or `end`. */
export function fieldEnd(line: Buffer, from: number, end: number): number {
  const i = line.indexOf(SPACE, from);
  return i < 0 || i > end ? end : i;
}

function readKey(line: Buffer, start: number, end: number, limits: RecordLimits): string {
  try {
    return decodeKey(line, start, end, limits.maxKeyBytes);
  } catch (e) {
    if (e instanceof KeyFieldError) throw new LineFault(e.reason, e.message);
    throw e;
  }
}

function readValue(line: Buffer, start: number, end: number, limits: RecordLimits): Buffer {
  const size = base64DecodedLength(line, start, end);
  if (size < 0) throw new LineFault('bad-base64', 'The value field is not padded base64.');
  if (size > limits.maxValueBytes) {
    throw new LineFault(
      'too-large',
      `The value takes ${size} bytes, over maxValueBytes ${limits.maxValueBytes}.`,
    );
  }
  const value = decodeBase64(line, start, end, size);
  if (value === undefined) {
    throw new LineFault('bad-base64', 'The value field is not canonical standard base64.');
  }
  return value;
}
