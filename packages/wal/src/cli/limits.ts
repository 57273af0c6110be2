import { type RecordLimits, resolveLimits } from '@hermes/record';
import { parseSize } from '../values.js';

/** The `--max-*` options every command takes, by option name. */
const LIMIT_OPTIONS: {
  readonly 'max-key-bytes': 'maxKeyBytes';
  readonly 'max-value-bytes': 'maxValueBytes';
  readonly 'max-batch-ops': 'maxBatchOps';
  readonly 'max-line-bytes': 'maxLineBytes';
} = {
  'max-key-bytes': 'maxKeyBytes',
  'max-value-bytes': 'maxValueBytes',
  'max-batch-ops': 'maxBatchOps',
  'max-line-bytes': 'maxLineBytes',
};

/** `parseArgs` declarations of the `--max-*` options. */
export const limitOptions: Record<keyof typeof LIMIT_OPTIONS, { type: 'string' }> = {
  'max-key-bytes': { type: 'string' },
  'max-value-bytes': { type: 'string' },
  'max-batch-ops': { type: 'string' },
  'max-line-bytes': { type: 'string' },
};

/** Help lines of the `--max-*` options. */
export const LIMITS_HELP = `Codec limits, when the log was written with other than the defaults:
  --max-key-bytes <size>   (default 4096)     --max-value-bytes <size>  (default 16MiB)
  --max-batch-ops <n>      (default 10000)    --max-line-bytes <size>   (default 64MiB)
  Sizes are bytes, or a number with KiB, MiB, GiB (powers of 1024) or KB, MB, GB (of 1000).
`;

/**
 * Reads the `--max-*` options into resolved limits.
 * @throws Error for a value that is not a positive integer, or limits `resolveLimits` refuses.
 */
export function limitsFrom(values: Record<string, unknown>): RecordLimits {
  const partial: Partial<Record<keyof RecordLimits, number>> = {};
  for (const [option, field] of Object.entries(LIMIT_OPTIONS)) {
    const text = values[option];
    if (typeof text !== 'string') continue;
    if (field === 'maxBatchOps') {
      const n = Number(text);
      if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n <= 0) {
        throw new Error(`--${option} must be a positive integer, got '${text}'`);
      }
      partial[field] = n;
    } else {
      partial[field] = parseSize(text, `--${option}`);
    }
  }
  return resolveLimits(partial);
}
