/**
 * Buffers for encoded lines. Lines below 4 KiB come from Node's shared pool
 * (`Buffer.allocUnsafe`); lines up to {@link POOLED_UNTIL} are carved from a shared 128 KiB
 * slab, so that a line of a few KiB does not cost an ArrayBuffer of its own. A kept line keeps
 * its slab alive, as a small Buffer keeps Node's pool alive; the log drops its lines once
 * written.
 */

const SLAB_SIZE = 128 * 1024;
/** Longest line carved from the slab. */
const POOLED_UNTIL = 16 * 1024;
/** Node's pool serves `allocUnsafe` below this. */
const NODE_POOLED_BELOW = Buffer.poolSize >>> 1;

let slab: Buffer | undefined;
let used = 0;

/** A fresh, uninitialised Buffer of `length` bytes for one line. */
export function allocLine(length: number): Buffer {
  if (length < NODE_POOLED_BELOW || length > POOLED_UNTIL) return Buffer.allocUnsafe(length);
  if (slab === undefined || used + length > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    used = 0;
  }
  const line = slab.subarray(used, used + length);
  used = (used + length + 7) & ~7;
  return line;
}
