/** A run of segment numbers missing from the log. */
export interface SegmentGap {
  /** First missing seq. */
  readonly from: number;
  /** Last missing seq. */
  readonly to: number;
}

/**
 * Finds segments missing from the log: segments are numbered consecutively, starting at the
 * newest snapshot's seq (it replaces every segment below it) or, without a snapshot, at 1 (0 is
 * accepted as a start too). A hole means a file was lost and its records with it.
 */
export function findGaps(snapshotSeq: number | null, segments: readonly number[]): SegmentGap[] {
  const first = segments[0];
  if (first === undefined) return [];
  let expected = snapshotSeq ?? Math.min(1, first);
  const gaps: SegmentGap[] = [];
  for (const seq of segments) {
    if (seq > expected) gaps.push({ from: expected, to: seq - 1 });
    expected = seq + 1;
  }
  return gaps;
}
