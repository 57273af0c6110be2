import { RecordError } from './errors.js';
import type { RecordLimits } from './types.js';

/** The limits used when none are given: keys 4 KiB, values 16 MiB, 10 000 ops a batch, lines 64 MiB. */
export const DEFAULT_LIMITS: RecordLimits = Object.freeze({
  maxKeyBytes: 4096,
  maxValueBytes: 16 * 1024 * 1024,
  maxBatchOps: 10_000,
  maxLineBytes: 64 * 1024 * 1024,
});

const NAMES = ['maxKeyBytes', 'maxValueBytes', 'maxBatchOps', 'maxLineBytes'] as const;

/**
 * Fills the limits not given from {@link DEFAULT_LIMITS}.
 * @throws RecordError `RECORD_INVALID_LIMITS` if a limit is not a positive safe integer
 *   (`maxKeyBytes` may be 0: then only the empty key is accepted).
 */
export function resolveLimits(partial?: Partial<RecordLimits>): RecordLimits {
  if (partial === undefined) return DEFAULT_LIMITS;
  const out = { ...DEFAULT_LIMITS };
  for (const name of NAMES) {
    const v = partial[name];
    if (v === undefined) continue;
    const min = name === 'maxKeyBytes' ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) {
      throw new RecordError(
        'RECORD_INVALID_LIMITS',
        `Limit ${name} must be an integer >= ${min}, got ${String(v)}; pass a valid number or leave it out for the default.`,
      );
    }
    out[name] = v;
  }
  return Object.freeze(out);
}
