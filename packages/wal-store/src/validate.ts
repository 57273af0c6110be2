import { type BatchOp, StoreError } from '@hermes/store';
import { RecordError } from '@hermes/wal';

const LONE_SURROGATE = /\p{Surrogate}/u;
/** `String.prototype.isWellFormed` (Node >= 20; not yet in the ES2023 lib typings). */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean })
  .isWellFormed;

/**
 * Throws `STORE_INVALID_KEY` unless `key` is a well-formed string of at most `maxKeyBytes` UTF-8
 * bytes (the log's `maxKeyBytes`; `Infinity` on a log whose limit the store does not know, whose
 * refusal `storeInputError` then turns into the same error).
 */
export function checkKey(key: unknown, maxKeyBytes: number): asserts key is string {
  if (typeof key !== 'string') {
    throw new StoreError('STORE_INVALID_KEY', `Key must be a string, got ${typeof key}.`);
  }
  if (isWellFormed ? !isWellFormed.call(key) : LONE_SURROGATE.test(key)) {
    throw new StoreError(
      'STORE_INVALID_KEY',
      'Key contains a lone UTF-16 surrogate and cannot be stored as UTF-8: fix the string.',
    );
  }
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes: count them only when that range straddles the limit.
  if (
    key.length * 3 > maxKeyBytes &&
    (key.length > maxKeyBytes || Buffer.byteLength(key, 'utf8') > maxKeyBytes)
  ) {
    throw keyTooLarge(Buffer.byteLength(key, 'utf8'), maxKeyBytes);
  }
}

/**
 * The `STORE_INVALID_KEY` of a key of `bytes` UTF-8 bytes, over the log's limit `max`. Its
 * `cause` is the `RECORD_KEY_TOO_LARGE` the codec would have thrown, as when the log itself
 * refuses a key (see `storeInputError`), so which limit it was is always in the cause's code.
 */
function keyTooLarge(bytes: number, max: number): StoreError {
  const message = `Key takes ${bytes} UTF-8 bytes, over the log's limit of ${max} (maxKeyBytes): use a shorter key, or open the store with a larger limits.maxKeyBytes.`;
  return new StoreError('STORE_INVALID_KEY', message, {
    cause: new RecordError('RECORD_KEY_TOO_LARGE', message),
  });
}

/** Throws `STORE_INVALID_VALUE` unless `value` is a `Uint8Array`. */
export function checkValue(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new StoreError(
      'STORE_INVALID_VALUE',
      'Value must be a Uint8Array (a Buffer is one): encode it before storing.',
    );
  }
}

/**
 * A private copy of `value`, so later changes to the caller's buffer never reach the log or
 * memory. Small copies come from Node's shared buffer pool (far cheaper than a fresh
 * `ArrayBuffer` each); the copy never leaves this package, the store keeps its own.
 */
export function copyValue(value: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafe(value.length);
  copy.set(value);
  return copy;
}

/**
 * Checks every op of a batch (keys up to `maxKeyBytes`, see {@link checkKey}) and returns a copy
 * whose values are private copies.
 * Throws the store contract's `STORE_INVALID_BATCH`, `STORE_INVALID_KEY` or `STORE_INVALID_VALUE`.
 */
export function checkBatch(ops: unknown, maxKeyBytes: number): BatchOp[] {
  if (!Array.isArray(ops)) {
    throw new StoreError('STORE_INVALID_BATCH', 'A batch must be an array of ops.');
  }
  const out: BatchOp[] = new Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op: unknown = ops[i];
    if (typeof op !== 'object' || op === null) {
      throw new StoreError('STORE_INVALID_BATCH', `Batch op ${i} is not an object.`);
    }
    const { type, key, value } = op as { type?: unknown; key?: unknown; value?: unknown };
    checkKey(key, maxKeyBytes);
    if (type === 'set') {
      checkValue(value);
      out[i] = { type: 'set', key, value: copyValue(value) };
    } else if (type === 'delete') {
      out[i] = { type: 'delete', key };
    } else {
      throw new StoreError(
        'STORE_INVALID_BATCH',
        `Batch op ${i} has type ${String(type)}: use 'set' or 'delete'.`,
      );
    }
  }
  return out;
}

/** Whether two optional byte strings are equal (`undefined` equals only `undefined`). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
