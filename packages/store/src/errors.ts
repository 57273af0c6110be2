/**
 * Stable codes of {@link StoreError}. Branch on these, never on the message.
 *
 * - `STORE_CLOSED`: the store was closed (or is closing); open a new one.
 * - `STORE_INVALID_KEY`: the key is not a string, or not well-formed Unicode (a lone surrogate).
 * - `STORE_INVALID_VALUE`: the value is not a `Uint8Array` (strings are refused: encode them).
 * - `STORE_INVALID_BATCH`: the batch is not an array of `{ type: 'set' | 'delete', key, value? }`.
 * - `STORE_INVALID_OPTION`: a constructor option is out of range.
 * - `STORE_FULL`: a write would put more keys in one map than V8 allows (2^24); use more shards.
 */
export type StoreErrorCode =
  | 'STORE_CLOSED'
  | 'STORE_INVALID_KEY'
  | 'STORE_INVALID_VALUE'
  | 'STORE_INVALID_BATCH'
  | 'STORE_INVALID_OPTION'
  | 'STORE_FULL';

/** The one error class of `@hermes/store`: a stable {@link StoreErrorCode} and a message that says what to do. */
export class StoreError extends Error {
  /** Stable code; see {@link StoreErrorCode}. */
  readonly code: StoreErrorCode;

  /** Creates an error with a stable `code` and a message for a person. */
  constructor(code: StoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** Whether `error` is a {@link StoreError}, optionally with the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}

/** The `STORE_CLOSED` error of a closed store (`'store'`) or a closed snapshot (`'snapshot'`). */
export function closedError(what: 'store' | 'snapshot' = 'store'): StoreError {
  return new StoreError(
    'STORE_CLOSED',
    what === 'store'
      ? 'The store is closed; open a new store to read or write.'
      : 'The snapshot is closed; take a new one with store.snapshot().',
  );
}
