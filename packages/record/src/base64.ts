/**
 * Standard, padded base64 (RFC 4648 section 4) written straight into and read straight out of
 * line buffers. Short values are coded in JavaScript (no intermediate string, no native call);
 * long ones go through Node's native codec, with the strictness Node lacks checked around it.
 */

import { asBuffer } from './as-buffer.js';
import { writeLatin1 } from './latin1.js';
import { NATIVE_BASE64_FROM } from './limits.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Alphabet byte for each 6-bit value. */
const ENCODE = Buffer.from(ALPHABET, 'latin1');
/** For a 12-bit value, the alphabet bytes of its high and low 6 bits (two table loads per pair). */
const PAIR_HIGH = new Uint8Array(4096);
const PAIR_LOW = new Uint8Array(4096);
for (let i = 0; i < 4096; i++) {
  PAIR_HIGH[i] = ENCODE[i >>> 6]!;
  PAIR_LOW[i] = ENCODE[i & 63]!;
}
/** 6-bit value for each alphabet byte, -1 for every other byte. */
const DECODE = new Int32Array(256).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const EQUALS = 61;

/** Characters that `bytes` bytes take in padded base64. */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Writes `value` as padded base64 into `target` at `at`; returns the index after it. */
export function writeBase64(target: Buffer, at: number, value: Uint8Array): number {
  const n = value.length;
  if (n >= NATIVE_BASE64_FROM) {
    const bytes = asBuffer(value);
    return writeLatin1(target, at, bytes.toString('base64'));
  }
  let o = at;
  const whole = n - (n % 3);
  let i = 0;
  for (; i < whole; i += 3) {
    const v = (value[i]! << 16) | (value[i + 1]! << 8) | value[i + 2]!;
    const high = v >>> 12;
    const low = v & 4095;
    target[o] = PAIR_HIGH[high]!;
    target[o + 1] = PAIR_LOW[high]!;
    target[o + 2] = PAIR_HIGH[low]!;
    target[o + 3] = PAIR_LOW[low]!;
    o += 4;
  }
  if (n - whole === 1) {
    const v = value[i]!;
    target[o] = ENCODE[v >>> 2]!;
    target[o + 1] = ENCODE[(v & 3) << 4]!;
    target[o + 2] = EQUALS;
    target[o + 3] = EQUALS;
    o += 4;
  } else if (n - whole === 2) {
    const v = (value[i]! << 8) | value[i + 1]!;
    target[o] = ENCODE[v >>> 10]!;
    target[o + 1] = ENCODE[(v >>> 4) & 63]!;
    target[o + 2] = ENCODE[(v & 15) << 2]!;
    target[o + 3] = EQUALS;
    o += 4;
  }
  return o;
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
