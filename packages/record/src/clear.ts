import { RecordError } from './errors.js';
import { Cursor, LineFault } from './failure.js';
import { SPACE } from './format.js';
import { keyField, readKeyField } from './key.js';
import { fieldEnd } from './parse-op.js';
import type { ClearRecord, LogRecord, RecordLimits } from './types.js';

/** The bound words of a `CLEAR` line, in the order the grammar allows them. */
const LOWER = { GT: 'gt', GTE: 'gte' } as const;
const UPPER = { LT: 'lt', LTE: 'lte' } as const;
type BoundName = 'gt' | 'gte' | 'lt' | 'lte';

/** Whether `record` is a {@link ClearRecord} (by its `type`). */
export function isClearRecord(record: LogRecord): record is ClearRecord {
  return record.type === 'clear';
}

/**
 * The body of a `CLEAR` line (ASCII, so its length is its byte count): `CLEAR`, then the lower
 * bound (`GT <key>` or `GTE <key>`) and the upper bound (`LT <key>` or `LTE <key>`) when given.
 * @throws RecordError `RECORD_INVALID` (both `gt` and `gte`, or both `lt` and `lte`, or a bound
 *   that is not a string), `RECORD_KEY_NOT_WELL_FORMED`, `RECORD_KEY_TOO_LARGE`.
 */
export function clearBody(record: ClearRecord, limits: RecordLimits): string {
  const { gt, gte, lt, lte } = record;
  if (gt !== undefined && gte !== undefined) throw twoBounds('gt', 'gte');
  if (lt !== undefined && lte !== undefined) throw twoBounds('lt', 'lte');
  let body = 'CLEAR';
  if (gt !== undefined) body += ` GT ${keyField(gt, limits.maxKeyBytes)}`;
  if (gte !== undefined) body += ` GTE ${keyField(gte, limits.maxKeyBytes)}`;
  if (lt !== undefined) body += ` LT ${keyField(lt, limits.maxKeyBytes)}`;
  if (lte !== undefined) body += ` LTE ${keyField(lte, limits.maxKeyBytes)}`;
  return body;
}

/** Whether the body at `at` is a `CLEAR` op: the word, then a space or the end of the line. */
export function isClear(line: Uint8Array, at: number, end: number): boolean {
  return (
    line[at] === 67 &&
    line[at + 1] === 76 &&
    line[at + 2] === 69 &&
    line[at + 3] === 65 &&
    line[at + 4] === 82 &&
    (at + 5 === end || line[at + 5] === SPACE)
  );
}

/**
 * Decodes the bounds of a `CLEAR` line whose word ends at `at` (the line's checksum already
 * matched). The record holds only the bounds the line names.
 * @throws LineFault `bad-clear` (an unknown bound word, a bound without its key, two lower or
 *   two upper bounds, a lower bound after the upper one), `bad-key`, `too-large`.
 */
export function decodeClear(
  line: Buffer,
  at: number,
  end: number,
  limits: RecordLimits,
): ClearRecord {
  const record: { type: 'clear' } & { [name in BoundName]?: string } = { type: 'clear' };
  let lower = false;
  let upper = false;
  const cursor = new Cursor();
  let pos = at;
  while (pos < end) {
    // isClear and readKeyField leave `pos` on a space: the one separator before each bound.
    const wordStart = pos + 1;
    const wordEnd = fieldEnd(line, wordStart, end);
    const word = line.toString('latin1', wordStart, Math.min(wordEnd, wordStart + 16));
    const name = boundName(word);
    if (name === undefined) {
      throw new LineFault(
        'bad-clear',
        `Unknown CLEAR bound ${JSON.stringify(word)}: expected GT, GTE, LT or LTE.`,
      );
    }
    const isLower = name === 'gt' || name === 'gte';
    if (isLower && lower) {
      throw new LineFault('bad-clear', 'The CLEAR has two lower bounds (GT/GTE): at most one.');
    }
    if (!isLower && upper) {
      throw new LineFault('bad-clear', 'The CLEAR has two upper bounds (LT/LTE): at most one.');
    }
    if (isLower && upper) {
      throw new LineFault('bad-clear', 'The CLEAR names its lower bound after its upper bound.');
    }
    if (wordEnd === end) {
      throw new LineFault('bad-clear', `The CLEAR bound ${word} has no key field.`);
    }
    record[name] = readKeyField(line, wordEnd + 1, end, limits.maxKeyBytes, cursor);
    pos = cursor.at;
    if (isLower) lower = true;
    else upper = true;
  }
  return record;
}

function boundName(word: string): BoundName | undefined {
  if (Object.hasOwn(LOWER, word)) return LOWER[word as keyof typeof LOWER];
  if (Object.hasOwn(UPPER, word)) return UPPER[word as keyof typeof UPPER];
  return undefined;
}

function twoBounds(a: string, b: string): RecordError {
  return new RecordError(
    'RECORD_INVALID',
    `Not a valid record: a clear takes ${a} or ${b}, not both (one bound per side).`,
  );
}
