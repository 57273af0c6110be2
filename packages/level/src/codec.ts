import { Buffer } from 'node:buffer';
import { bytesOfKey, keyOfBytes, keyOfText, textOfKey } from './keys.js';

/**
 * The encodings a Hermes database takes natively; abstract-level transcodes every other
 * encoding (`json`, custom ones) to one of these before the private methods see it.
 */
export type NativeFormat = 'buffer' | 'view' | 'utf8';

/** A key or value in one of the {@link NativeFormat}s. */
export type Native = string | Uint8Array;

/** The Hermes key of a Level key in `format` (see `keyOfBytes` for the mapping). */
export function encodeKey(key: Native, format: string): string {
  if (format === 'utf8') return keyOfText(key as string);
  return keyOfBytes(key as Uint8Array);
}

/** A Hermes key as a Level key in `format`. */
export function decodeKey(key: string, format: string): Native {
  if (format === 'utf8') return textOfKey(key);
  if (format === 'buffer') return bytesOfKey(key);
  return asView(bytesOfKey(key));
}

/** The bytes to store for a Level value in `format` (the store copies them). */
export function encodeValue(value: Native, format: string): Uint8Array {
  if (format === 'utf8') return Buffer.from(value as string, 'utf8');
  return value as Uint8Array;
}

/** Stored bytes (a fresh `Buffer` the store handed out) as a Level value in `format`. */
export function decodeValue(value: Uint8Array, format: string): Native {
  if (format === 'utf8')
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (format === 'buffer') return value;
  return asView(value);
}

/** A plain `Uint8Array` over the same memory (no copy), for the `view` format. */
function asView(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
