import type { BatchOp } from './contract.js';
import { StoreError } from './errors.js';
import { encodeValue, type StoredValue } from './value-codec.js';

/** A batch op after validation, its value already copied into the store's representation. */
export type StoredOp =
  | { readonly type: 'set'; readonly key: string; readonly value: StoredValue }
  | { readonly type: 'delete'; readonly key: string; readonly value?: undefined };

/** `String.prototype.isWellFormed` (Node 20+, ES2024), which the ES2023 lib does not declare. */
interface WellFormedString {
  isWellFormed(): boolean;
}

/** Throws `STORE_INVALID_KEY` unless `key` is a well-formed string. */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new StoreError(
      'STORE_INVALID_KEY',
      `Keys must be strings, got ${describe(key)}; convert the key with String() first.`,
    );
  }
  if (!(key as unknown as WellFormedString).isWellFormed()) {
    throw new StoreError(
      'STORE_INVALID_KEY',
      'Key is not well-formed Unicode (it has a lone surrogate), so it cannot round-trip through UTF-8; fix the key or use key.toWellFormed().',
    );
  }
}

/** Throws `STORE_INVALID_VALUE` unless `value` is a `Uint8Array`; returns the store's own copy. */
export function storeValue(value: unknown): StoredValue {
  if (!(value instanceof Uint8Array)) {
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `Values must be Uint8Array (or Buffer), got ${describe(value)}; encode strings with Buffer.from(text) or TextEncoder.`,
    );
  }
  return encodeValue(value);
}

/** Like {@link storeValue}, but `undefined` (absent) passes through. */
export function storeOptionalValue(value: unknown): StoredValue | undefined {
  return value === undefined ? undefined : storeValue(value);
}

/** Validates a whole batch before anything is applied, copying every value; throws `STORE_INVALID_*`. */
export function storeOps(ops: readonly BatchOp[]): StoredOp[] {
  if (!Array.isArray(ops)) {
    throw new StoreError(
      'STORE_INVALID_BATCH',
      `A batch must be an array of ops, got ${describe(ops)}.`,
    );
  }
  const out: StoredOp[] = new Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op: unknown = ops[i];
    if (typeof op !== 'object' || op === null) {
      throw new StoreError(
        'STORE_INVALID_BATCH',
        `Batch op ${i} is ${describe(op)}, not an object.`,
      );
    }
    const { type, key, value } = op as { type?: unknown; key?: unknown; value?: unknown };
    checkKey(key);
    if (type === 'set') out[i] = { type, key, value: storeValue(value) };
    else if (type === 'delete') out[i] = { type, key };
    else {
      throw new StoreError(
        'STORE_INVALID_BATCH',
        `Batch op ${i} has type ${describe(type)}; use 'set' or 'delete'.`,
      );
    }
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
