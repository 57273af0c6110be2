/**
 * Reads the decimal integer in `bytes[from, to)` as Redis's `string2ll` does: an optional `-`,
 * then digits with no leading zero (`0` alone is fine; `-0`, `+1`, `01`, ` 1` and the empty
 * string are not). Returns `NaN` for anything else. More than 20 characters is `NaN` too, so the
 * result is exact up to 2^53 and merely huge beyond: callers compare it with a limit.
 */
export function parseLength(bytes: Uint8Array, from: number, to: number): number {
  const n = to - from;
  if (n === 0 || n > 20) return Number.NaN;
  let i = from;
  let c = bytes[i]!;
  if (c === 48) return n === 1 ? 0 : Number.NaN;
  const negative = c === 45;
  if (negative) {
    if (++i === to) return Number.NaN;
    c = bytes[i]!;
  }
  if (c < 49 || c > 57) return Number.NaN;
  let value = c - 48;
  for (i++; i < to; i++) {
    c = bytes[i]!;
    if (c < 48 || c > 57) return Number.NaN;
    value = value * 10 + (c - 48);
  }
  return negative ? -value : value;
}
