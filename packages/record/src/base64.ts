/**
 * Standard, padded base64 (RFC 4648 section 4) read straight out of line buffers: short values
 * in JavaScript (no intermediate string), long ones by Node's codec with the strictness Node
 * lacks checked around it. (Values are written by `writeBase64Crc` when short, by Node's codec
 * when long: see `encode.ts`.)
 */

import { NATIVE_BASE64_FROM } from './limits.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** 6-bit value for each alphabet byte, -1 for every other byte. */
const DECODE = new Int32Array(256).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const EQUALS = 61;

/** Characters that `bytes` bytes take in padded base64. */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Decoded size of a padded base64 field `line[start, end)`, or -1 if its length is wrong. */
export function base64DecodedLength(line: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n % 4 !== 0) return -1;
  if (n === 0) return 0;
  const pad = line[end - 1] === EQUALS ? (line[end - 2] === EQUALS ? 2 : 1) : 0;
  return (n / 4) * 3 - pad;
}

/**
 * Decodes the base64 field `line[start, end)` whose decoded size `expected` came from
 * {@link base64DecodedLength}. Returns `undefined` unless the field is canonical: standard
 * alphabet only, `=` only as final padding, and the unused bits of the last character zero (so
 * every value has exactly one spelling).
 */
export function decodeBase64(
  line: Buffer,
  start: number,
  end: number,
  expected: number,
): Buffer | undefined {
  if (expected === 0) return Buffer.alloc(0);
  const pad = ((end - start) / 4) * 3 - expected;
  if (pad > 0) {
    const last = DECODE[line[end - 1 - pad]!]!;
    if (last < 0 || (last & (pad === 2 ? 15 : 3)) !== 0) return undefined;
  }
  return expected >= NATIVE_BASE64_FROM
    ? decodeNative(line, start, end, expected)
    : decodeJs(line, start, end, expected, pad);
}

function decodeJs(
  line: Buffer,
  start: number,
  end: number,
  expected: number,
  pad: number,
): Buffer | undefined {
  const out = Buffer.allocUnsafe(expected);
  const quadsEnd = pad > 0 ? end - 4 : end;
  let o = 0;
  for (let i = start; i < quadsEnd; i += 4) {
    const v =
      (DECODE[line[i]!]! << 18) |
      (DECODE[line[i + 1]!]! << 12) |
      (DECODE[line[i + 2]!]! << 6) |
      DECODE[line[i + 3]!]!;
    if (v < 0) return undefined;
    out[o] = v >>> 16;
    out[o + 1] = (v >>> 8) & 255;
    out[o + 2] = v & 255;
    o += 3;
  }
  if (pad === 1) {
    const v =
      (DECODE[line[end - 4]!]! << 18) |
      (DECODE[line[end - 3]!]! << 12) |
      (DECODE[line[end - 2]!]! << 6);
    if (v < 0) return undefined;
    out[o] = v >>> 16;
    out[o + 1] = (v >>> 8) & 255;
  } else if (pad === 2) {
    const v = (DECODE[line[end - 4]!]! << 18) | (DECODE[line[end - 3]!]! << 12);
    if (v < 0) return undefined;
    out[o] = v >>> 16;
  }
  return out;
}

/**
 * Node's decoder is lenient (it skips unknown bytes, stops at `=`, accepts `-` and `_`): every
 * skipped byte or early stop makes the output shorter than `expected`, and the URL-safe
 * characters are looked for in the string, both at native speed.
 */
function decodeNative(
  line: Buffer,
  start: number,
  end: number,
  expected: number,
): Buffer | undefined {
  const text = line.toString('latin1', start, end);
  const value = Buffer.from(text, 'base64');
  if (value.length !== expected) return undefined;
  if (text.indexOf('-') !== -1 || text.indexOf('_') !== -1) return undefined;
  return value;
}
