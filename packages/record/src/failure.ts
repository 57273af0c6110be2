import type { DecodeFailure, DecodeFailureReason } from './types.js';

/**
 * Thrown inside the decoder to abandon a line, naming why; `decodeRange` turns it into a
 * {@link DecodeFailure}, so it never reaches a caller.
 */
export class LineFault extends Error {
  override readonly name = 'LineFault';

  constructor(
    readonly reason: DecodeFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where a field reader stopped: each reader that takes one leaves in `at` the index just after
 * what it read (the space that follows it, or the end of the line).
 */
export class Cursor {
  at = 0;
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
