import { NATIVE_DECODE_FROM } from './base64.js';
import { decodeSetLine, kernelAvailable, kernelKeyEnd, kernelValue } from './kernel.js';
import { latin1Slice } from './latin1.js';
import type { Op, RecordLimits } from './types.js';

/** Values below this many bytes are decoded by the kernel; longer ones by Node's base64. */
const KERNEL_VALUE_BELOW = NATIVE_DECODE_FROM;
/**
 * Longest line offered to the kernel: room for a 64-byte key and a value under
 * {@link KERNEL_VALUE_BELOW}. A longer line is not the common case, and copying it into the
 * kernel only to be sent back would cost more than the kernel saves.
 */
const KERNEL_LINE_UNTIL = 13 + 64 + 1 + 4 * Math.ceil((KERNEL_VALUE_BELOW - 1) / 3);

/**
 * The common line, `<crc> SET <ordinary key> <short base64>` at `line[start, end)` (newline
 * excluded), decoded by the WebAssembly kernel in one call: checksum, key and strict base64.
 * Returns `undefined` for anything else (an escaped key, an empty or long value, a limit
 * exceeded, a bad byte, a checksum mismatch): the caller then takes the careful path, which
 * checks the checksum first and names the failure.
 */
export function decodeFastSet(
  line: Buffer,
  start: number,
  end: number,
  limits: RecordLimits,
): Op | undefined {
  if (!kernelAvailable || end - start > KERNEL_LINE_UNTIL) return undefined;
  const whole = start === 0 && end === line.length;
  const size = decodeSetLine(
    whole ? line : line.subarray(start, end),
    limits.maxKeyBytes,
    Math.min(limits.maxValueBytes, KERNEL_VALUE_BELOW - 1),
  );
  if (size < 0) return undefined;
  return {
    type: 'set',
    key: latin1Slice(line, start + 13, start + kernelKeyEnd()),
    value: kernelValue(size),
  };
}
