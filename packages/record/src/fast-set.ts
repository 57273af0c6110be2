import { decodeSetLine, kernelAvailable, kernelKeyEnd, kernelValue } from './kernel.js';
import { KERNEL_LINE_UNTIL, NATIVE_BASE64_FROM } from './limits.js';
import type { Op, RecordLimits } from './types.js';

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
    Math.min(limits.maxValueBytes, NATIVE_BASE64_FROM - 1),
  );
  if (size < 0) return undefined;
  return {
    type: 'set',
    key: line.toString('latin1', start + 13, start + kernelKeyEnd()),
    value: kernelValue(size),
  };
}
