import type { StoreErrorCode } from '@hermes/store';
import type { RecordErrorCode, WalErrorCode } from '@hermes/wal';
import type { JetStreamLogErrorCode } from '@hermes/wal-jetstream';
import type { DurableStoreErrorCode } from '@hermes/wal-store';

/**
 * Every code a store call of the service may reject with, as the packages declare them: the
 * sets below are typed by it, so a code that exists nowhere (or stops existing) does not compile.
 */
export type HermesErrorCode =
  | StoreErrorCode
  | WalErrorCode
  | RecordErrorCode
  | DurableStoreErrorCode
  | JetStreamLogErrorCode;

/** A set of codes checked against {@link HermesErrorCode}, asked about any string. */
function codes(...list: HermesErrorCode[]): ReadonlySet<string> {
  return new Set(list);
}

/** The log or the store is closed, or closing: the service is shutting down. */
export const CLOSED_CODES: ReadonlySet<string> = codes(
  'WAL_CLOSED',
  'STORE_CLOSED',
  'WAL_CLOSE_TIMEOUT',
);

/** The log failed a write or an fsync: writes are refused, reads still work. */
export const LOG_FAILED_CODES: ReadonlySet<string> = codes(
  'WAL_POISONED',
  'WAL_WRITE_FAILED',
  'WAL_SYNC_FAILED',
);

/** A value, a batch or a whole record over one of the log codec's size limits. */
export const TOO_LARGE_CODES: ReadonlySet<string> = codes(
  'RECORD_VALUE_TOO_LARGE',
  'RECORD_BATCH_TOO_LARGE',
  'RECORD_LINE_TOO_LARGE',
);

/** A key the store or the codec cannot take (not a well-formed string). */
export const BAD_KEY_CODES: ReadonlySet<string> = codes(
  'RECORD_KEY_NOT_WELL_FORMED',
  'STORE_INVALID_KEY',
);

/** Whether `code` is `expected`, a code the packages declare (checked when compiling). */
export function isCode(code: unknown, expected: HermesErrorCode): boolean {
  return code === expected;
}
