import { RespUsageError } from './errors.js';

/** How much one client request may hold before the parser refuses it. */
export interface RespLimits {
  /**
   * Largest `$<n>` accepted, in bytes (Redis's `proto-max-bulk-len`).
   * @default 16 MiB + 4096: a value at the service's default limit, plus room for a key.
   */
  readonly maxBulkBytes: number;
  /** Largest `*<n>` accepted: arguments in one command. @default 1024 * 1024 */
  readonly maxArrayLength: number;
  /**
   * Longest inline line, and longest `*`/`$` header line, in bytes without the line end
   * (Redis's `PROTO_INLINE_MAX_SIZE`). @default 64 KiB
   */
  readonly maxInlineBytes: number;
  /** Most bytes of arguments, summed, in one command. @default 64 MiB */
  readonly maxCommandBytes: number;
}

/** The limits used when none are given. */
export const DEFAULT_RESP_LIMITS: RespLimits = Object.freeze({
  maxBulkBytes: 16 * 1024 * 1024 + 4096,
  maxArrayLength: 1024 * 1024,
  maxInlineBytes: 64 * 1024,
  maxCommandBytes: 64 * 1024 * 1024,
});

const NAMES = ['maxBulkBytes', 'maxArrayLength', 'maxInlineBytes', 'maxCommandBytes'] as const;

/**
 * Fills the limits not given from {@link DEFAULT_RESP_LIMITS}.
 * @throws RespUsageError `RESP_INVALID_LIMITS` if a limit is not a safe integer >= 0.
 */
export function resolveRespLimits(partial?: Partial<RespLimits>): RespLimits {
  if (partial === undefined) return DEFAULT_RESP_LIMITS;
  const out = { ...DEFAULT_RESP_LIMITS };
  for (const name of NAMES) {
    const v = partial[name];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RespUsageError(
        'RESP_INVALID_LIMITS',
        `RESP limit ${name} must be an integer >= 0, got ${String(v)}; pass a valid number or leave it out for the default.`,
      );
    }
    out[name] = v;
  }
  return Object.freeze(out);
}
