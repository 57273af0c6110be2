import type { RecordErrorCode } from './types.js';

/**
 * Thrown by the encoder (and by `resolveLimits`) for input it refuses to store.
 * Branch on {@link RecordError.code}, never on the message. The decoder never throws: it
 * returns a `DecodeFailure` instead.
 */
export class RecordError extends Error {
  /** Stable code to branch on. */
  readonly code: RecordErrorCode;

  constructor(code: RecordErrorCode, message: string) {
    super(message);
    this.name = 'RecordError';
    this.code = code;
  }
}
