import { base64DecodedLength, decodeBase64 } from './base64.js';
import { type Cursor, LineFault } from './failure.js';
import { SPACE } from './format.js';
import { readKeyField } from './key.js';
import { FIELD_LOOP_UNTIL } from './limits.js';
import type { Op, RecordLimits } from './types.js';

/** Whether `line[at, at+4)` is `SET `. */
export function isSet(line: Uint8Array, at: number): boolean {
  return line[at] === 83 && line[at + 1] === 69 && line[at + 2] === 84 && line[at + 3] === SPACE;
}

/** Whether `line[at, at+4)` is `DEL `. */
export function isDel(line: Uint8Array, at: number): boolean {
  return line[at] === 68 && line[at + 1] === 69 && line[at + 2] === 76 && line[at + 3] === SPACE;
}

/** Whether `line[at, at+6)` is `BATCH `. */
export function isBatch(line: Uint8Array, at: number): boolean {
  return (
    line[at] === 66 &&
    line[at + 1] === 65 &&
    line[at + 2] === 84 &&
    line[at + 3] === 67 &&
    line[at + 4] === 72 &&
    line[at + 5] === SPACE
  );
}

/**
 * Reads one `SET <key> <base64>` or `DEL <key>` starting at `at`, ending at the next space or
 * at `end` (`toEnd`: the op is the whole rest of the line); leaves in `cursor.at` the index just
 * after the op.
 * @throws LineFault naming what is wrong (`unknown` for a word that is not SET or DEL).
 */
export function parseOp(
  line: Buffer,
  at: number,
  end: number,
  limits: RecordLimits,
  unknown: 'unknown-op' | 'bad-batch',
  toEnd: boolean,
  cursor: Cursor,
): Op {
  const set = isSet(line, at);
  if (!set && !isDel(line, at)) {
    const word = line.toString('latin1', at, Math.min(fieldEnd(line, at, end), at + 16));
    throw new LineFault(unknown, `Unknown op ${JSON.stringify(word)}.`);
  }
  const key = readKeyField(line, at + 4, end, limits.maxKeyBytes, cursor);
  const keyEnd = cursor.at;
  if (!set) return { type: 'delete', key };
  if (keyEnd === end) throw new LineFault('malformed', 'A SET has no value field.');
  const valueStart = keyEnd + 1;
  // The last field of a line runs to its end: a space in it fails as base64, reported below.
  const valueEnd = toEnd ? end : fieldEnd(line, valueStart, end);
  const value = readValue(line, valueStart, valueEnd, limits);
  cursor.at = valueEnd;
  return { type: 'set', key, value };
}

/** Index of the next space in `line[from, end)`, or `end`. */
export function fieldEnd(line: Buffer, from: number, end: number): number {
  const loopEnd = from + FIELD_LOOP_UNTIL;
  for (let i = from; i < end && i < loopEnd; i++) if (line[i] === SPACE) return i;
  if (end <= loopEnd) return end;
  const i = line.indexOf(SPACE, loopEnd);
  return i < 0 || i > end ? end : i;
}

function readValue(line: Buffer, start: number, end: number, limits: RecordLimits): Buffer {
  const size = base64DecodedLength(line, start, end);
  if (size < 0) {
    const space = line.indexOf(SPACE, start);
    if (space >= 0 && space < end)
      throw new LineFault('malformed', 'Unexpected field after the value.');
    throw new LineFault('bad-base64', 'The value field is not padded base64.');
  }
  if (size > limits.maxValueBytes) {
    throw new LineFault(
      'too-large',
      `The value takes ${size} bytes, over maxValueBytes ${limits.maxValueBytes}.`,
    );
  }
  const value = decodeBase64(line, start, end, size);
  if (value === undefined) {
    const space = line.indexOf(SPACE, start);
    if (space >= 0 && space < end)
      throw new LineFault('malformed', 'Unexpected field after the value.');
    throw new LineFault('bad-base64', 'The value field is not canonical standard base64.');
  }
  return value;
}
