import { parseLength } from '../resp/parse-length.js';

/** The smallest signed 64-bit integer, -2^63: Redis's `LLONG_MIN`. */
export const INT64_MIN: bigint = -(2n ** 63n);
/** The largest signed 64-bit integer, 2^63 - 1: Redis's `LLONG_MAX`. */
export const INT64_MAX: bigint = 2n ** 63n - 1n;

/**
 * Reads a signed 64-bit integer exactly as Redis's `string2ll` does (INCR's stored value, INCRBY's
 * argument): an optional `-`, then digits with no leading zero (`0` alone is fine), at most 20
 * characters, within [-2^63, 2^63 - 1]. Returns undefined for anything else, including `-0`,
 * `+1`, `01`, spaces and the empty string. Its inverse is `String(value)` (Redis's `ll2string`).
 */
export function parseInt64(bytes: Uint8Array): bigint | undefined {
  if (Number.isNaN(parseLength(bytes, 0, bytes.length))) return undefined;
  const value = BigInt(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'),
  );
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/**
 * `a + b` when `a`, `b` and the sum are all signed 64-bit integers, else undefined: Redis's
 * "increment or decrement would overflow". For DECRBY pass `-decrement`: a decrement of -2^63 then
 * gives undefined whatever the value, as Redis refuses it ("decrement would overflow").
 */
export function addInt64(a: bigint, b: bigint): bigint | undefined {
  const sum = a + b;
  const inRange = (v: bigint): boolean => v >= INT64_MIN && v <= INT64_MAX;
  return inRange(a) && inRange(b) && inRange(sum) ? sum : undefined;
}

/**
 * Reads a count, timeout or database index: a non-negative safe integer (0 to 2^53 - 1) written
 * as `string2ll` accepts it (no sign, no leading zero, no spaces). Returns undefined for anything
 * else, negative numbers included; the caller decides which error Redis replies with.
 */
export function parseCount(bytes: Uint8Array): number | undefined {
  const value = parseLength(bytes, 0, bytes.length);
  return value >= 0 && value <= Number.MAX_SAFE_INTEGER ? value : undefined;
}
