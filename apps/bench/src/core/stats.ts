import type { Summary } from '../types.js';

/** Median, min and max of `values` (which must not be empty). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : midpoint(sorted[mid - 1]!, sorted[mid]!);
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, rounds: [...values] };
}

/**
 * The midpoint of `low <= high`, within them. Halved before adding, so two huge figures cannot
 * overflow to Infinity; clamped, because halving subnormal figures rounds (the midpoint of
 * 6.4e-323 and itself would come out as 6e-323).
 */
function midpoint(low: number, high: number): number {
  return Math.min(Math.max(low / 2 + high / 2, low), high);
}

/**
 * The `q` quantile (0..1) of an ascending array, nearest-rank: the smallest sample such that at
 * least `q` of the samples are at or below it.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
