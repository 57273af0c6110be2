/**
 * Base64 decoding fused with the line's CRC-32: each group of 8 characters is loaded once, run
 * through the CRC register and decoded, so a short line is read once, not twice.
 */

import { crc32Step4, crc32Step8 } from './crc32.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Marks a byte outside the alphabet: sets the sign bit of any OR it takes part in. */
const INVALID = 1 << 31;
/** The 6-bit value of an alphabet byte, pre-shifted for its place in a group of 4. */
const D0 = new Int32Array(256).fill(INVALID);
const D1 = new Int32Array(256).fill(INVALID);
const D2 = new Int32Array(256).fill(INVALID);
const D3 = new Int32Array(256).fill(INVALID);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  D0[c] = i << 18;
  D1[c] = i << 12;
  D2[c] = i << 6;
  D3[c] = i;
}
/** Whether the last {@link readBase64Crc} met a byte that is not canonical base64. */
export let base64CrcInvalid = false;

/**
 * Decodes the padded base64 field `line[start, end)` (a multiple of 4 long, ending with `pad`
 * `=` characters, which the caller has seen) into `out` (exactly its decoded size) and returns the CRC-32 register `c`
 * advanced over the field. Sets {@link base64CrcInvalid} when the field is not canonical (a byte
 * outside the alphabet, or unused bits of the last character set); `out` is then garbage.
 */
export function readBase64Crc(
  line: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  pad: number,
  out: Uint8Array,
  c: number,
): number {
  const quadsEnd = pad > 0 ? end - 4 : end;
  let bad = 0;
  let i = start;
  const base = line.byteOffset - view.byteOffset;
  let o = 0;
  for (const last8 = quadsEnd - 8; i <= last8; i += 8) {
    const w1 = view.getInt32(base + i, true);
    const w2 = view.getInt32(base + i + 4, true);
    c = crc32Step8(c, w1, w2);
    const v1 = D0[w1 & 255]! | D1[(w1 >>> 8) & 255]! | D2[(w1 >>> 16) & 255]! | D3[w1 >>> 24]!;
    const v2 = D0[w2 & 255]! | D1[(w2 >>> 8) & 255]! | D2[(w2 >>> 16) & 255]! | D3[w2 >>> 24]!;
    bad |= v1 | v2;
    out[o] = v1 >>> 16;
    out[o + 1] = v1 >>> 8;
    out[o + 2] = v1;
    out[o + 3] = v2 >>> 16;
    out[o + 4] = v2 >>> 8;
    out[o + 5] = v2;
    o += 6;
  }
  if (i < quadsEnd) {
    // One whole group of 4 left.
    const w = line[i]! | (line[i + 1]! << 8) | (line[i + 2]! << 16) | (line[i + 3]! << 24);
    c = crc32Step4(c, w);
    const v = D0[w & 255]! | D1[(w >>> 8) & 255]! | D2[(w >>> 16) & 255]! | D3[w >>> 24]!;
    bad |= v;
    out[o] = v >>> 16;
    out[o + 1] = v >>> 8;
    out[o + 2] = v;
    o += 3;
    i += 4;
  }
  if (pad > 0) {
    const w = line[i]! | (line[i + 1]! << 8) | (line[i + 2]! << 16) | (line[i + 3]! << 24);
    c = crc32Step4(c, w);
    if (pad === 1) {
      // xyz= : 18 bits, the last 2 unused.
      const v = D0[line[i]!]! | D1[line[i + 1]!]! | D2[line[i + 2]!]!;
      bad |= v | ((v & 0xc0) === 0 ? 0 : INVALID);
      out[o] = v >>> 16;
      out[o + 1] = v >>> 8;
    } else {
      // xy== : 12 bits, the last 4 unused.
      const v = D0[line[i]!]! | D1[line[i + 1]!]!;
      bad |= v | ((v & 0xf000) === 0 ? 0 : INVALID);
      out[o] = v >>> 16;
    }
  }
  base64CrcInvalid = bad < 0;
  return c;
}
