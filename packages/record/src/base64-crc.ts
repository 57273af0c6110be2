/**
 * Base64 encoding fused with the line's CRC-32: each group of 8 characters is written and run
 * through the CRC register while still in a register, so a short line is read once, not twice.
 */

import { crc32Step4, crc32Step8 } from './crc32.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/**
 * For a 12-bit value, its two alphabet bytes as a little-endian 16-bit number (first character
 * in the low byte): two loads give the 4 characters of 3 input bytes as one 32-bit word.
 */
const PAIR = new Int32Array(4096);
for (let i = 0; i < 4096; i++) {
  PAIR[i] = ALPHABET.charCodeAt(i >>> 6) | (ALPHABET.charCodeAt(i & 63) << 8);
}
const EQUALS = 61;

/**
 * Writes `value` as padded base64 at `target[at]` (the caller sized `target`: see
 * `base64Length`) and returns the CRC-32 register `c` advanced over the characters written.
 */
export function writeBase64Crc(
  target: Uint8Array,
  at: number,
  value: Uint8Array,
  c: number,
): number {
  const n = value.length;
  let i = 0;
  let o = at;
  // 6 input bytes -> 8 characters -> one slicing-by-8 step.
  for (const last6 = n - 6; i <= last6; i += 6) {
    const v = (value[i]! << 16) | (value[i + 1]! << 8) | value[i + 2]!;
    const u = (value[i + 3]! << 16) | (value[i + 4]! << 8) | value[i + 5]!;
    const w1 = PAIR[v >>> 12]! | (PAIR[v & 4095]! << 16);
    const w2 = PAIR[u >>> 12]! | (PAIR[u & 4095]! << 16);
    target[o] = w1;
    target[o + 1] = w1 >>> 8;
    target[o + 2] = w1 >>> 16;
    target[o + 3] = w1 >>> 24;
    target[o + 4] = w2;
    target[o + 5] = w2 >>> 8;
    target[o + 6] = w2 >>> 16;
    target[o + 7] = w2 >>> 24;
    c = crc32Step8(c, w1, w2);
    o += 8;
  }
  // At most 5 bytes left: one more whole group, then a padded one.
  let rest = n - i;
  if (rest >= 3) {
    const v = (value[i]! << 16) | (value[i + 1]! << 8) | value[i + 2]!;
    const w = PAIR[v >>> 12]! | (PAIR[v & 4095]! << 16);
    target[o] = w;
    target[o + 1] = w >>> 8;
    target[o + 2] = w >>> 16;
    target[o + 3] = w >>> 24;
    c = crc32Step4(c, w);
    o += 4;
    i += 3;
    rest -= 3;
  }
  if (rest === 0) return c;
  let w: number;
  if (rest === 1) {
    const v = value[i]! << 4; // 12 bits: 8 of the byte, 4 zero
    w = PAIR[v]! | (EQUALS << 16) | (EQUALS << 24);
  } else {
    const v = (value[i]! << 10) | (value[i + 1]! << 2); // 18 bits: 16 of the bytes, 2 zero
    w = PAIR[v >>> 6]! | ((PAIR[(v & 63) << 6]! & 255) << 16) | (EQUALS << 24);
  }
  target[o] = w;
  target[o + 1] = w >>> 8;
  target[o + 2] = w >>> 16;
  target[o + 3] = w >>> 24;
  return crc32Step4(c, w);
}
