import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, RecordError, resolveLimits } from '../src/index.js';

describe('limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxKeyBytes: 4096,
      maxValueBytes: 16 * 1024 * 1024,
      maxBatchOps: 10_000,
      maxLineBytes: 64 * 1024 * 1024,
    });
  });

  it('fills missing limits from the defaults', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxKeyBytes: 10 })).toEqual({ ...DEFAULT_LIMITS, maxKeyBytes: 10 });
  });

  it('RECORD_INVALID_LIMITS: rejects limits that are not positive integers', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10']) {
      expect(() => resolveLimits({ maxValueBytes: bad as number })).toThrow(
        expect.objectContaining({ code: 'RECORD_INVALID_LIMITS' }),
      );
    }
    expect(() => resolveLimits({ maxKeyBytes: -1 })).toThrow(RecordError);
  });
});
