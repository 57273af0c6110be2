// The decoding kernel of @hermes/record, in AssemblyScript, compiled to WebAssembly by
// `pnpm --filter @hermes/record build:wasm` into src/wasm/kernel-bytes.ts (see ../WASM.md).
// It decodes the common line, `<crc32 hex> SET <ordinary key> <short base64>`, in one call:
// checksum (slicing-by-16 CRC-32), key scan and strict base64 decode. Anything else, and every
// failure, returns -1 and the TypeScript decoder takes its careful path, which names the fault.

// Memory below the AssemblyScript static data (--memoryBase 196608):
//   [0, 16384)        CRC-32 tables T0..T15, T_k at k * 1024 (u32 entries)
//   [16384, 16640)    DECODE: the 6-bit value of each base64 alphabet byte, 0xff for any other
//   [16640, 16896)    HEX: the value of each lowercase hex digit byte, 0xff for any other
//   [16896, 17152)    ORDINARY: 1 for each byte a key field keeps as it is (A-Za-z0-9:/._-)
//   RESULT            u32: where the key field of the last decoded line ends
//   [LINE, VALUE)     the line to decode, copied in by the caller (LINE_CAPACITY bytes)
//   [VALUE, ...)      the decoded value (VALUE_CAPACITY bytes)
const DECODE: u32 = 16384;
const HEX: u32 = 16640;
const ORDINARY: u32 = 16896;
export const RESULT: u32 = 17152;
export const LINE: u32 = 65536;
export const LINE_CAPACITY: u32 = 65536;
export const VALUE: u32 = 131072;
export const VALUE_CAPACITY: u32 = 65536;

const SPACE: u32 = 32;
const EQUALS: u32 = 61;
/** `SET ` read as a little-endian u32. */
const SET_WORD: u32 = 0x20544553;

function fillTables(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(n << 2, c);
  }
  for (let t: u32 = 1; t < 16; t++) {
    for (let n: u32 = 0; n < 256; n++) {
      const previous = load<u32>(((t - 1) << 10) + (n << 2));
      store<u32>((t << 10) + (n << 2), (previous >>> 8) ^ load<u32>((previous & 255) << 2));
    }
  }
  for (let b: u32 = 0; b < 256; b++) {
    store<u8>(DECODE + b, 0xff);
    store<u8>(HEX + b, 0xff);
    store<u8>(ORDINARY + b, 0);
  }
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) store<u8>(DECODE + alphabet.charCodeAt(i), i);
  const hex = '0123456789abcdef';
  for (let i = 0; i < 16; i++) store<u8>(HEX + hex.charCodeAt(i), i);
  const ordinary = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:/._-';
  for (let i = 0; i < ordinary.length; i++) store<u8>(ORDINARY + ordinary.charCodeAt(i), 1);
}
fillTables();

/**
 * Runs the CRC-32 register `c` (not inverted) over `[p, end)`: 16 bytes a step (slicing-by-16),
 * then 4, then 1. Table t's entry for byte x is `load<u32>(x << 2, t * 1024)`: each lookup is
 * one shift, one mask and one load with a constant offset.
 */
export function crc32(p: u32, end: u32, c: u32): u32 {
  while (p + 16 <= end) {
    // The 12 lookups that do not depend on the register first, so they overlap the ones that do.
    const b = load<u32>(p, 4);
    const d = load<u32>(p, 8);
    const e = load<u32>(p, 12);
    const rest =
      load<u32>((b << 2) & 0x3fc, 11264) ^
      load<u32>((b >>> 6) & 0x3fc, 10240) ^
      load<u32>((b >>> 14) & 0x3fc, 9216) ^
      load<u32>((b >>> 22) & 0x3fc, 8192) ^
      load<u32>((d << 2) & 0x3fc, 7168) ^
      load<u32>((d >>> 6) & 0x3fc, 6144) ^
      load<u32>((d >>> 14) & 0x3fc, 5120) ^
      load<u32>((d >>> 22) & 0x3fc, 4096) ^
      load<u32>((e << 2) & 0x3fc, 3072) ^
      load<u32>((e >>> 6) & 0x3fc, 2048) ^
      load<u32>((e >>> 14) & 0x3fc, 1024) ^
      load<u32>((e >>> 22) & 0x3fc);
    const a = load<u32>(p) ^ c;
    c =
      load<u32>((a << 2) & 0x3fc, 15360) ^
      load<u32>((a >>> 6) & 0x3fc, 14336) ^
      load<u32>((a >>> 14) & 0x3fc, 13312) ^
      load<u32>((a >>> 22) & 0x3fc, 12288) ^
      rest;
    p += 16;
  }
  while (p + 4 <= end) {
    const a = load<u32>(p) ^ c;
    c =
      load<u32>((a << 2) & 0x3fc, 3072) ^
      load<u32>((a >>> 6) & 0x3fc, 2048) ^
      load<u32>((a >>> 14) & 0x3fc, 1024) ^
      load<u32>((a >>> 22) & 0x3fc);
    p += 4;
  }
  while (p < end) {
    c = load<u32>(((c ^ load<u8>(p)) & 255) << 2) ^ (c >>> 8);
    p++;
  }
  return c;
}

/**
 * Strictly decodes the padded base64 `[p, p + length)` (length a positive multiple of 4) into
 * `out`; returns the byte count, or -1 if a byte is outside the alphabet, `=` is anywhere but
 * the end, or the unused bits of the last character are not zero.
 */
function decodeBase64(p: u32, length: u32, out: u32): i32 {
  const pad: u32 =
    load<u8>(p + length - 1) === EQUALS ? (load<u8>(p + length - 2) === EQUALS ? 2 : 1) : 0;
  const whole = pad === 0 ? length : length - 4;
  let o = out;
  let i: u32 = 0;
  // 16 characters -> 12 bytes a step (Mula and Lemire's SIMD base64 decoding), while 16 remain.
  let invalid = i8x16.splat(0);
  const lowNibbles = i8x16.splat(0x0f);
  const slashes = i8x16.splat(0x2f);
  const lowBytes = i16x8.splat(0xff);
  const merge = i16x8(0x1000, 1, 0x1000, 1, 0x1000, 1, 0x1000, 1);
  const validLow = i8x16(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
  const validHigh = i8x16(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const shift = i8x16(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const bigEndian = i8x16(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  for (; i + 16 <= whole; i += 16) {
    const chars = v128.load(p + i);
    const high = i8x16.shr_u(chars, 4);
    // A byte is in the alphabet iff its low and high nibbles' classes share no bit.
    invalid = v128.or(
      invalid,
      v128.and(
        i8x16.swizzle(validLow, v128.and(chars, lowNibbles)),
        i8x16.swizzle(validHigh, high),
      ),
    );
    // 6-bit values: each byte plus the offset of its range ('/' shares its nibble with '+').
    const values = i8x16.add(
      chars,
      i8x16.swizzle(shift, i8x16.add(i8x16.eq(chars, slashes), high)),
    );
    // Pairs of 6-bit values -> 12 bits, pairs of those -> 24 bits, then 3 bytes big-endian each.
    const pairs = v128.or(i16x8.shl(v128.and(values, lowBytes), 6), i16x8.shr_u(values, 8));
    v128.store(o, i8x16.swizzle(i32x4.dot_i16x8_s(pairs, merge), bigEndian));
    o += 12;
  }
  if (v128.any_true(invalid)) return -1;
  let bad: u32 = 0;
  for (; i < whole; i += 4) {
    const a = <u32>load<u8>(DECODE + load<u8>(p + i));
    const b = <u32>load<u8>(DECODE + load<u8>(p + i + 1));
    const c = <u32>load<u8>(DECODE + load<u8>(p + i + 2));
    const d = <u32>load<u8>(DECODE + load<u8>(p + i + 3));
    bad |= a | b | c | d;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    store<u8>(o, v >>> 16);
    store<u8>(o, v >>> 8, 1);
    store<u8>(o, v, 2);
    o += 3;
  }
  if (pad !== 0) {
    const q = p + whole;
    const a = <u32>load<u8>(DECODE + load<u8>(q));
    const b = <u32>load<u8>(DECODE + load<u8>(q, 1));
    bad |= a | b;
    if (pad === 2) {
      if ((b & 15) !== 0) return -1; // xy== : 12 bits, the last 4 unused
      store<u8>(o, (a << 2) | (b >>> 4));
      o += 1;
    } else {
      const c = <u32>load<u8>(DECODE + load<u8>(q, 2));
      bad |= c;
      if ((c & 3) !== 0) return -1; // xyz= : 18 bits, the last 2 unused
      store<u8>(o, (a << 2) | (b >>> 4));
      store<u8>(o, (b << 4) | (c >>> 2), 1);
      o += 2;
    }
  }
  return bad > 63 ? -1 : <i32>(o - out);
}

/**
 * Decodes the line `[LINE, LINE + length)` (newline excluded) if it is
 * `<8 lowercase hex> SET <key of ordinary bytes, at most maxKey> <padded base64 of 1 to maxValue
 * bytes>` whose checksum matches. Returns the value's byte count (the value is at VALUE, and the
 * key field ends at the line offset stored at RESULT), or -1 for any other line.
 */
export function decodeSet(length: u32, maxKey: u32, maxValue: u32): i32 {
  if (length > LINE_CAPACITY || length < 18) return -1;
  const end = LINE + length;
  let stored: u32 = 0;
  let bad: u32 = 0;
  for (let i: u32 = 0; i < 8; i++) {
    const d = <u32>load<u8>(HEX + load<u8>(LINE + i));
    bad |= d;
    stored = (stored << 4) | d;
  }
  if (bad > 15 || load<u8>(LINE + 8) !== SPACE || load<u32>(LINE + 9) !== SET_WORD) return -1;
  const keyStart = LINE + 13;
  let keyEnd = keyStart;
  while (keyEnd < end && load<u8>(ORDINARY + load<u8>(keyEnd)) !== 0) keyEnd++;
  if (keyEnd >= end || load<u8>(keyEnd) !== SPACE || keyEnd - keyStart > maxKey) return -1;
  const field = keyEnd + 1;
  const fieldLength = end - field;
  if (fieldLength === 0 || (fieldLength & 3) !== 0) return -1;
  const pad: u32 = load<u8>(end - 1) === EQUALS ? (load<u8>(end - 2) === EQUALS ? 2 : 1) : 0;
  const size = (fieldLength >>> 2) * 3 - pad;
  if (size > maxValue || size > VALUE_CAPACITY) return -1;
  if (~crc32(LINE + 9, end, 0xffffffff) !== stored) return -1;
  store<u32>(RESULT, keyEnd - LINE);
  return decodeBase64(field, fieldLength, VALUE);
}
