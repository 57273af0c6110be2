import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../src/core/latency.js';
import { quantileSorted, summarize } from '../src/core/stats.js';

describe('summarize', () => {
  it('gives the median, min and max of odd and even counts', () => {
    expect(summarize([3, 1, 2])).toMatchObject({ median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 3, 2])).toMatchObject({ median: 2.5, min: 1, max: 4 });
  });

  it('does not overflow on huge figures', () => {
    expect(summarize([-3.6e293, -1.79e308]).median).toBeCloseTo(-1.79e308 / 2, -300);
    expect(summarize([Number.MAX_VALUE, Number.MAX_VALUE]).median).toBe(Number.MAX_VALUE);
  });

  it('keeps the rounds in order and refuses no values', () => {
    expect(summarize([5, 4]).rounds).toEqual([5, 4]);
    expect(() => summarize([])).toThrow(RangeError);
  });

  it('always puts the median between min and max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }),
        (xs) => {
          const s = summarize(xs);
          expect(s.min).toBeLessThanOrEqual(s.median);
          expect(s.median).toBeLessThanOrEqual(s.max);
        },
      ),
    );
  });
});

describe('quantileSorted and LatencyRecorder', () => {
  it('takes nearest-rank quantiles', () => {
    const sorted = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(quantileSorted(sorted, 0.5)).toBe(500);
    expect(quantileSorted(sorted, 0.99)).toBe(990);
    expect(quantileSorted(sorted, 0.999)).toBe(999);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('records across chunk boundaries', () => {
    const rec = new LatencyRecorder();
    expect(rec.percentiles()).toBeUndefined();
    const n = 70_000 + 300_000; // crosses the first chunk and fills part of the next
    for (let i = n; i >= 1; i--) rec.add(i);
    const p = rec.percentiles()!;
    expect(p.samples).toBe(n);
    expect(p.p50).toBe(Math.ceil(n / 2));
    expect(p.p99).toBe(Math.ceil(n * 0.99));
  });
});
