import { StoreError, type StoreErrorCode } from '@hermes/store';
import { type LogRecord, RecordError } from '@hermes/wal';

/** The store code of each codec refusal that is a mistake in the caller's input. */
const INPUT_CODES: Readonly<Record<string, StoreErrorCode>> = {
  RECORD_KEY_TOO_LARGE: 'STORE_INVALID_KEY',
  RECORD_KEY_NOT_WELL_FORMED: 'STORE_INVALID_KEY',
  RECORD_VALUE_TOO_LARGE: 'STORE_INVALID_VALUE',
  RECORD_BATCH_TOO_LARGE: 'STORE_INVALID_BATCH',
};

/**
 * The error a write rejects with when its log refused it: a refusal of the codec
 * (`RecordError`) that is a mistake in the input becomes the `StoreError` every Hermes store
 * gives for that mistake, so the store layer has one error class for bad input: a key over
 * `maxKeyBytes` is `STORE_INVALID_KEY` (`STORE_INVALID_OPTION` for a bound of `clear`), a value
 * over `maxValueBytes` `STORE_INVALID_VALUE`, a batch over `maxBatchOps` `STORE_INVALID_BATCH`,
 * a record over `maxLineBytes` `STORE_INVALID_BATCH` (`STORE_INVALID_VALUE` for a single set).
 * The `RecordError` is kept as `cause`, with the codec's own code. Every other error (the log's
 * failures, `WalError`) is returned unchanged.
 */
export function storeInputError(error: unknown, record: LogRecord): unknown {
  if (!(error instanceof RecordError)) return error;
  let code: StoreErrorCode | undefined = INPUT_CODES[error.code];
  if (error.code === 'RECORD_LINE_TOO_LARGE') {
    code = record.type === 'set' ? 'STORE_INVALID_VALUE' : 'STORE_INVALID_BATCH';
  }
  if (code === 'STORE_INVALID_KEY' && record.type === 'clear') code = 'STORE_INVALID_OPTION';
  return code === undefined ? error : new StoreError(code, error.message, { cause: error });
}
