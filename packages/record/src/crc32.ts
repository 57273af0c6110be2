import { NATIVE_CRC_FROM } from './limits.js';
import { nativeCrc32 } from './native-crc.js';

/**
 * CRC-32 tables for slicing-by-8: table t at [t*256, t*256+256). Table 0 is the classic
 * byte-at-a-time table; table t advances a byte's contribution past t more zero bytes.
 */
export const CRC_TABLES: Int32Array = new Int32Array(256 * 8);
const T = CRC_TABLES;
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  for (let t = 1; t < 8; t++) {
    const prev = T[(t - 1) * 256 + n]!;
    T[t * 256 + n] = (prev >>> 8) ^ T[prev & 255]!;
  }
}

/** The register before any byte: {@link crc32Update} from it, {@link crc32Final} at the end. */
export const CRC_INIT = -1;

/**
 * Runs the CRC-32 register `c` (as a signed 32-bit integer, not yet inverted) over
 * `bytes[start, end)`: in JavaScript (slicing-by-8) for short ranges, natively for long ones.
 */
export function crc32Update(c: number, bytes: Uint8Array, start: number, end: number): number {
  if (end - start >= NATIVE_CRC_FROM) return ~nativeCrc32(bytes.subarray(start, end), ~c >>> 0);
  let i = start;
  const last8 = end - 8;
  while (i <= last8) {
    c = crc32Step8(
      c,
      bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24),
      bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24),
    );
    i += 8;
  }
  while (i < end) c = T[(c ^ bytes[i++]!) & 255]! ^ (c >>> 8);
  return c;
}

/**
 * One slicing-by-8 step: runs register `c` over 8 bytes given as two little-endian 32-bit words
 * (`w1` the first four). The one place the step is written; the fused base64 loops call it too.
 */
export function crc32Step8(c: number, w1: number, w2: number): number {
  const a = w1 ^ c;
  return (
    T[1792 + (a & 255)]! ^
    T[1536 + ((a >>> 8) & 255)]! ^
    T[1280 + ((a >>> 16) & 255)]! ^
    T[1024 + (a >>> 24)]! ^
    T[768 + (w2 & 255)]! ^
    T[512 + ((w2 >>> 8) & 255)]! ^
    T[256 + ((w2 >>> 16) & 255)]! ^
    T[w2 >>> 24]!
  );
}

/**
 * One slicing-by-4 step: runs register `c` over 4 bytes given as one little-endian 32-bit word.
 * The fused base64 loops call it for the group of 4 characters left after their 8-wide steps.
 */
export function crc32Step4(c: number, w: number): number {
  const a = w ^ c;
  return (
    T[768 + (a & 255)]! ^ T[512 + ((a >>> 8) & 255)]! ^ T[256 + ((a >>> 16) & 255)]! ^ T[a >>> 24]!
  );
}

/** The CRC-32 value of a register: inverted, unsigned. */
export function crc32Final(c: number): number {
  return ~c >>> 0;
}

/**
 * CRC-32 (IEEE 802.3, as zlib and gzip compute it) of `bytes[start, end)`: in JavaScript
 * (slicing-by-8) for short ranges, by one native call for longer ones (see native-crc.ts).
 */
export function crc32(bytes: Uint8Array, start: number, end: number): number {
  return ~crc32Update(CRC_INIT, bytes, start, end) >>> 0;
}
