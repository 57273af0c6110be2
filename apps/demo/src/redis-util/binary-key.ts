import { isUtf8 } from 'node:buffer';

/**
 * A byte that is not part of valid UTF-8 becomes the code point `ESCAPE + byte`. Such bytes are
 * all 0x80 or above, so escapes are U+10FF80 to U+10FFFF (the end of private-use plane 16), and
 * those code points are themselves escaped byte by byte when a key's bytes spell them.
 */
const ESCAPE = 0x10ff00;
/** `ESCAPE`'s UTF-16 high surrogate: a string without it holds no escape. */
const ESCAPE_HIGH = '\udbff';
/** U+10FF80 as a UTF-16 low surrogate, less its byte 0x80: low surrogate - 0xdf00 is the byte. */
const ESCAPE_LOW = 0xdf00;

/**
 * Maps a Redis key (any bytes) to a Hermes key (a well-formed string). Valid UTF-8 decodes to its
 * text, except the code points U+10FF80 to U+10FFFF; each byte of an invalid sequence (overlong,
 * surrogate, truncated, stray continuation, above U+10FFFF) or of such a code point becomes
 * U+10FF00 + byte, as Python's `surrogateescape` does but with code points a string can hold.
 * `keyToBytes` gives the bytes back. Each escaped byte takes 4 UTF-8 bytes in Hermes, so check
 * the key's UTF-8 length against the store's key limit after mapping; an empty key maps to `''`.
 */
export function keyFromBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (!buffer.includes(0xf4) && isUtf8(buffer)) return buffer.toString('utf8');
  let key = '';
  let run = 0;
  let i = 0;
  while (i < buffer.length) {
    const length = sequenceLength(buffer, i);
    if (length > 0) {
      i += length;
    } else {
      key += buffer.toString('utf8', run, i) + String.fromCodePoint(ESCAPE + buffer[i]!);
      run = ++i;
    }
  }
  return key + buffer.toString('utf8', run, i);
}

/**
 * Maps a Hermes key back to the Redis key's bytes: each code point U+10FF80 to U+10FFFF becomes
 * the byte 0x80 to 0xFF, everything else its UTF-8. Inverse of `keyFromBytes`; a Hermes key
 * written over HTTP with code points in that range shares its bytes with another key. A lone
 * surrogate (never in a Hermes key) becomes EF BF BD, as `Buffer.from` does.
 */
export function keyToBytes(key: string): Buffer {
  if (!key.includes(ESCAPE_HIGH)) return Buffer.from(key, 'utf8');
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = key.indexOf(ESCAPE_HIGH); i >= 0; i = key.indexOf(ESCAPE_HIGH, i + 1)) {
    const low = key.charCodeAt(i + 1);
    if (!(low >= ESCAPE_LOW + 0x80 && low <= ESCAPE_LOW + 0xff)) continue;
    parts.push(Buffer.from(key.slice(from, i), 'utf8'), Buffer.of(low - ESCAPE_LOW));
    from = i + 2;
  }
  parts.push(Buffer.from(key.slice(from), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * The length of the well-formed UTF-8 sequence at `i` (shortest form, no surrogate, at most
 * U+10FFFF, per the Unicode table of well-formed byte sequences), or 0 when there is none or it
 * spells U+10FF80 to U+10FFFF (F4 8F BE/BF xx).
 */
function sequenceLength(b: Buffer, i: number): number {
  const lead = b[i]!;
  if (lead < 0x80) return 1;
  if (lead < 0xc2) return 0;
  if (lead < 0xe0) return within(b[i + 1], 0x80, 0xbf) ? 2 : 0;
  if (lead < 0xf0) {
    const [lo, hi] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return within(b[i + 1], lo, hi) && within(b[i + 2], 0x80, 0xbf) ? 3 : 0;
  }
  if (lead > 0xf4) return 0;
  const [lo, hi] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
  const valid =
    within(b[i + 1], lo, hi) && within(b[i + 2], 0x80, 0xbf) && within(b[i + 3], 0x80, 0xbf);
  const reserved = lead === 0xf4 && b[i + 1] === 0x8f && b[i + 2]! >= 0xbe;
  return valid && !reserved ? 4 : 0;
}

function within(byte: number | undefined, lo: number, hi: number): boolean {
  return byte !== undefined && byte >= lo && byte <= hi;
}
