import { RecordError } from './errors.js';
import { crc32Backend } from './native-crc.js';
import type { RecordLimits } from './types.js';

// Where the codec switches from one way of doing a job to another: every such threshold lives
// here, each measured (see the README's "Speed"). They change speed only, never a byte.

/**
 * Ranges at least this long are checksummed by one native call, shorter ones in JavaScript:
 * below it the call (and the subarray it needs) costs more than the work. Measured crossovers
 * (with `packages/record/bench/crc.ts`, before that script was removed): about 160 bytes for
 * `@node-rs/crc32`, about 256 for `zlib.crc32`.
 */
export const NATIVE_CRC_FROM: number = crc32Backend === 'node-rs' ? 160 : 256;

/**
 * Values at least this long are base64-encoded and decoded by Node's codec, shorter ones in
 * JavaScript (encoding fused with the checksum). Measured crossover: about 250 bytes.
 */
export const NATIVE_BASE64_FROM = 256;

/**
 * Longest line offered to the WebAssembly kernel (the decoder's fast path for a short `SET`):
 * room for a 64-byte key and a value under {@link NATIVE_BASE64_FROM}. A longer line is not the
 * common case, and copying it into the kernel only to be sent back would cost more than it saves.
 */
export const KERNEL_LINE_UNTIL: number = 13 + 64 + 1 + 4 * Math.ceil((NATIVE_BASE64_FROM - 1) / 3);

/** Keys up to this long are checked character by character; longer ones with one regular expression. */
export const KEY_LOOP_UNTIL = 64;

/** A field's end is looked for byte by byte this far, then with `indexOf`. */
export const FIELD_LOOP_UNTIL = 32;

/** ASCII text shorter than this is copied into a line byte by byte, longer text by `Buffer#write`. */
export const TEXT_LOOP_BELOW = 48;

/** Lines up to this long are carved from a shared slab (longer ones get a buffer of their own). */
export const SLAB_LINE_UNTIL: number = 16 * 1024;

/** Bytes of one slab of lines. */
export const SLAB_BYTES: number = 128 * 1024;

/** The limits used when none are given: keys 4 KiB, values 16 MiB, 10 000 ops a batch, lines 64 MiB. */
export const DEFAULT_LIMITS: RecordLimits = Object.freeze({
  maxKeyBytes: 4096,
  maxValueBytes: 16 * 1024 * 1024,
  maxBatchOps: 10_000,
  maxLineBytes: 64 * 1024 * 1024,
});

const NAMES = ['maxKeyBytes', 'maxValueBytes', 'maxBatchOps', 'maxLineBytes'] as const;

/**
 * Fills the limits not given from {@link DEFAULT_LIMITS}.
 * @throws RecordError `RECORD_INVALID_LIMITS` if a limit is not a positive safe integer
 *   (`maxKeyBytes` may be 0: then only the empty key is accepted).
 */
export function resolveLimits(partial?: Partial<RecordLimits>): RecordLimits {
  if (partial === undefined) return DEFAULT_LIMITS;
  const out = { ...DEFAULT_LIMITS };
  for (const name of NAMES) {
    const v = partial[name];
    if (v === undefined) continue;
    const min = name === 'maxKeyBytes' ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) {
      throw new RecordError(
        'RECORD_INVALID_LIMITS',
        `Limit ${name} must be an integer >= ${min}, got ${String(v)}; pass a valid number or leave it out for the default.`,
      );
    }
    out[name] = v;
  }
  return Object.freeze(out);
}
