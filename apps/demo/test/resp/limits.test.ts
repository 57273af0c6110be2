import { expect, it } from 'vitest';
import { DEFAULT_RESP_LIMITS, RequestParser, resolveRespLimits } from '../../src/resp/index.js';

it('fills the limits not given from the defaults', () => {
  expect(DEFAULT_RESP_LIMITS).toEqual({
    maxBulkBytes: 16 * 1024 * 1024 + 4096,
    maxArrayLength: 1024 * 1024,
    maxInlineBytes: 64 * 1024,
    maxCommandBytes: 64 * 1024 * 1024,
  });
  expect(resolveRespLimits()).toBe(DEFAULT_RESP_LIMITS);
  expect(resolveRespLimits({ maxBulkBytes: 10 })).toEqual({
    ...DEFAULT_RESP_LIMITS,
    maxBulkBytes: 10,
  });
  expect(new RequestParser({ maxArrayLength: 0 }).limits.maxArrayLength).toBe(0);
});

it('refuses a limit that is not a safe integer >= 0', () => {
  for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    expect(() => new RequestParser({ maxBulkBytes: bad })).toThrow(
      expect.objectContaining({ code: 'RESP_INVALID_LIMITS' }),
    );
  }
});
