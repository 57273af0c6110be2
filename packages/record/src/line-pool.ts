import { SLAB_BYTES, SLAB_LINE_UNTIL } from './limits.js';

/**
 * Buffers for encoded lines. Lines below 4 KiB come from Node's shared pool
 * (`Buffer.allocUnsafe`); lines up to `SLAB_LINE_UNTIL` are carved from a shared slab of
 * `SLAB_BYTES`, so that a line of a few KiB does not cost an ArrayBuffer of its own. A kept line keeps
 * its slab alive, as a small Buffer keeps Node's pool alive; the log drops its lines once
 * written.
 */

/** Node's pool serves `allocUnsafe` below this. */
const NODE_POOLED_BELOW = Buffer.poolSize >>> 1;

let slab: Buffer | undefined;
let used = 0;

/** A fresh, uninitialised Buffer of `length` bytes for one line. */
export function allocLine(length: number): Buffer {
  if (length < NODE_POOLED_BELOW || length > SLAB_LINE_UNTIL) return Buffer.allocUnsafe(length);
  if (slab === undefined || used + length > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    used = 0;
  }
  const line = slab.subarray(used, used + length);
  used = (used + length + 7) & ~7;
  return line;
}
