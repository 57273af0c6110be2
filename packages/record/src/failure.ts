import type { DecodeFailure, DecodeFailureReason } from './types.js';

/** Thrown inside the decoder to abandon a line; turned into a {@link DecodeFailure}, never escapes. */
export class LineFault {
  constructor(
    readonly reason: DecodeFailureReason,
    readonly message: string,
  ) {}
}

/** Builds the failure result for a line. */
export function failure(
  reason: DecodeFailureReason,
  offset: number,
  length: number,
  message: string,
): DecodeFailure {
  return { ok: false, reason, offset, length, message };
}
