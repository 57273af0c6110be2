import { Buffer, constants } from 'node:buffer';

/**
 * How a value is held in memory: a one-byte (latin1) string, which V8 stores compactly and
 * immutably (one byte per byte plus a small header, versus ~100 bytes of overhead for each
 * `Buffer`), or a private `Uint8Array` copy for values longer than V8's longest string.
 */
export type StoredValue = string | Uint8Array;

/** Values longer than this are kept as a private `Uint8Array` copy instead of a string. */
export const LATIN1_LIMIT: number = constants.MAX_STRING_LENGTH;

/** Copies `value` into the store's own representation; the caller's buffer is not kept. */
export function encodeValue(value: Uint8Array, limit: number = LATIN1_LIMIT): StoredValue {
  if (value.byteLength > limit) return new Uint8Array(value);
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}

/** A fresh `Buffer` (a `Uint8Array`) holding the bytes of a stored value; mutating it changes nothing stored. */
export function decodeValue(stored: StoredValue): Buffer {
  if (typeof stored === 'string') return Buffer.from(stored, 'latin1');
  return Buffer.from(stored);
}

/** Whether two stored values hold the same bytes. */
export function sameValue(a: StoredValue, b: StoredValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
