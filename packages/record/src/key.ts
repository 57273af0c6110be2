import { RecordError } from './errors.js';
import { type Cursor, LineFault } from './failure.js';
import { PERCENT, SPACE } from './format.js';
import { KEY_LOOP_UNTIL } from './limits.js';

/** Keys made only of these characters are written as they are. */
const ORDINARY_RE = /^[A-Za-z0-9:/._-]*$/;

/** 1 for bytes written as themselves in a key, 0 for bytes written `%XX`. */
export const ORDINARY: Uint8Array = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:/._-') {
  ORDINARY[c.charCodeAt(0)] = 1;
}

/** What each byte becomes in a key field. */
const ESCAPED: string[] = [];
for (let b = 0; b < 256; b++) {
  ESCAPED.push(
    ORDINARY[b] === 1
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Uppercase hex digit values by byte (-1 for any other byte). */
const UPPER_HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) UPPER_HEX[48 + i] = i;
for (let i = 0; i < 6; i++) UPPER_HEX[65 + i] = 10 + i;

const isWellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean })
  .isWellFormed;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The key as it appears in a line: ordinary characters as they are, every other UTF-8 byte as
 * `%XX` (uppercase hex). The result is ASCII, so its length is its byte count; an ordinary key
 * is returned as it is.
 * @throws RecordError `RECORD_INVALID`, `RECORD_KEY_NOT_WELL_FORMED`, `RECORD_KEY_TOO_LARGE`.
 */
export function keyField(key: string, maxKeyBytes: number): string {
  if (typeof key !== 'string') {
    throw new RecordError(
      'RECORD_INVALID',
      `Not a valid record: a key must be a string, got ${typeof key}.`,
    );
  }
  if (isOrdinary(key)) {
    if (key.length > maxKeyBytes) throw keyTooLarge(key.length, maxKeyBytes);
    return key;
  }
  if (!isWellFormed.call(key)) {
    throw new RecordError(
      'RECORD_KEY_NOT_WELL_FORMED',
      'The key contains a lone UTF-16 surrogate, which UTF-8 cannot store losslessly; pass a well-formed string (String.prototype.toWellFormed() shows what would be stored).',
    );
  }
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length > maxKeyBytes) throw keyTooLarge(bytes.length, maxKeyBytes);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += ESCAPED[bytes[i]!];
  return out;
}

/**
 * Writes the char codes of `key` at `target[at]` and returns whether every one is ordinary (the
 * key is then its own field). The bytes are written either way: the caller drops them when not.
 */
export function writeOrdinaryKey(target: Uint8Array, at: number, key: string): boolean {
  let ok = 1;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    target[at + i] = c;
    ok &= ORDINARY[c & 127]! & ((c - 128) >>> 31);
  }
  return ok === 1;
}

/** Whether every character of `key` is written as it is. */
function isOrdinary(key: string): boolean {
  const n = key.length;
  if (n > KEY_LOOP_UNTIL) return ORDINARY_RE.test(key);
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c > 127 || ORDINARY[c] !== 1) return false;
  }
  return true;
}

function keyTooLarge(bytes: number, max: number): RecordError {
  return new RecordError(
    'RECORD_KEY_TOO_LARGE',
    `The key takes ${bytes} UTF-8 bytes, over the limit of ${max} (maxKeyBytes); use a shorter key or raise the limit.`,
  );
}

/**
 * Decodes the key field that starts at `start` and runs to the next space or to `end`, in one
 * pass; leaves in `cursor.at` where it ended (that space, or `end`).
 * @throws LineFault `bad-key` for an unknown byte, a bad escape or bytes that are not UTF-8,
 *   `too-large` for a key over `maxKeyBytes`.
 */
export function readKeyField(
  line: Buffer,
  start: number,
  end: number,
  maxKeyBytes: number,
  cursor: Cursor,
): string {
  let escaped = false;
  let i = start;
  for (; i < end; i++) {
    const b = line[i]!;
    if (ORDINARY[b] === 1) continue;
    if (b === SPACE) break;
    escaped = true;
  }
  cursor.at = i;
  if (escaped) return decodeEscapedKey(line, start, i, maxKeyBytes);
  if (i - start > maxKeyBytes) throw tooLargeField(i - start, maxKeyBytes);
  return line.toString('latin1', start, i);
}

function decodeEscapedKey(line: Buffer, start: number, end: number, maxKeyBytes: number): string {
  const bytes = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = line[i]!;
    if (ORDINARY[b] === 1) {
      bytes[n++] = b;
    } else if (b === PERCENT && i + 2 < end) {
      const hi = UPPER_HEX[line[i + 1]!]!;
      const lo = UPPER_HEX[line[i + 2]!]!;
      if (hi < 0 || lo < 0) throw badKey(i - start, 'a % not followed by two uppercase hex digits');
      bytes[n++] = hi * 16 + lo;
      i += 2;
    } else if (b === PERCENT) {
      throw badKey(i - start, 'a % not followed by two uppercase hex digits');
    } else {
      throw badKey(i - start, `byte 0x${b.toString(16).padStart(2, '0')} that must be escaped`);
    }
  }
  if (n > maxKeyBytes) throw tooLargeField(n, maxKeyBytes);
  try {
    return utf8.decode(bytes.subarray(0, n));
  } catch {
    throw new LineFault('bad-key', 'The key escapes do not spell valid UTF-8.');
  }
}

function badKey(at: number, what: string): LineFault {
  return new LineFault('bad-key', `The key field has ${what} at key byte ${at}.`);
}

function tooLargeField(bytes: number, max: number): LineFault {
  return new LineFault('too-large', `The key takes ${bytes} bytes, over maxKeyBytes ${max}.`);
}
