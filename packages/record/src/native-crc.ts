/**
 * The native CRC-32 used for long ranges: `@node-rs/crc32` (PCLMUL/ARM CRC instructions,
 * about 3x faster than `zlib.crc32` on a 5.5 KB line) where its prebuilt binary loads,
 * Node's `zlib.crc32` everywhere else. Both compute the same CRC-32 (IEEE 802.3, as zlib and gzip
 * do), so the choice changes speed, never a byte of the format.
 */

import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * A native CRC-32 of all of `bytes`, continuing from `previous` (a finished CRC value, 0 to
 * start), as `zlib.crc32(bytes, previous)` computes it.
 */
export type NativeCrc32 = (bytes: Uint8Array, previous: number) => number;

/** Which native CRC-32 a process uses for long ranges. */
export type Crc32Backend = 'node-rs' | 'zlib';

/** The standard check value: CRC-32 of the ASCII bytes `123456789`. */
const CHECK_INPUT = new TextEncoder().encode('123456789');
const CHECK_VALUE = 0xcbf43926;

/**
 * `@node-rs/crc32`'s `crc32`, or `undefined` when it cannot be loaded (no prebuilt binary for
 * this platform) or does not agree with zlib on the check value and on a continued CRC.
 * `load` is the module loader (a parameter so that a test can make it fail).
 */
export function loadNodeRsCrc32(
  load: (id: string) => unknown = createRequire(import.meta.url),
): NativeCrc32 | undefined {
  let candidate: unknown;
  try {
    candidate = (load('@node-rs/crc32') as { crc32?: unknown }).crc32;
  } catch {
    return undefined;
  }
  if (typeof candidate !== 'function') return undefined;
  const crc32 = candidate as NativeCrc32;
  try {
    const whole = crc32(CHECK_INPUT, 0) >>> 0;
    const continued = crc32(CHECK_INPUT.subarray(4), crc32(CHECK_INPUT.subarray(0, 4), 0)) >>> 0;
    return whole === CHECK_VALUE && continued === CHECK_VALUE ? crc32 : undefined;
  } catch {
    return undefined;
  }
}

const nodeRs = loadNodeRsCrc32();

/** The native CRC-32 this process uses for long ranges (see {@link crc32Backend}). */
export const nativeCrc32: NativeCrc32 = nodeRs ?? zlibCrc32;

/**
 * Which native CRC-32 this process uses for long lines: `'node-rs'` when `@node-rs/crc32`'s
 * prebuilt binary loaded, `'zlib'` (Node's own, about 3x slower on long lines) otherwise. The
 * checksums are the same either way.
 */
export const crc32Backend: Crc32Backend = nodeRs === undefined ? 'zlib' : 'node-rs';
