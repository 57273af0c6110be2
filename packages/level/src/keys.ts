import { Buffer } from 'node:buffer';

/**
 * The one mapping between Level keys (bytes) and Hermes keys (strings). Byte `b` becomes the code
 * point `b` (what Node calls `latin1`): 0x00-0x7F stay one UTF-8 byte each, 0x80-0xFF become
 * U+0080-U+00FF, whose UTF-8 encodings (`C2 80`..`C3 BF`) rise with `b` and sit above every
 * one-byte character. So the UTF-8 order of the Hermes keys (`compareKeys`) is the byte order of
 * the Level keys, and the mapping is reversible: every Hermes key this package writes holds only
 * code points up to U+00FF, and {@link bytesOfKey} gives the bytes back.
 *
 * Text keys (`utf8`) go through their UTF-8 bytes, so `'é'` and `Buffer.from('é')` are the same
 * key, as in every other Level database. A key of ASCII only is its own Hermes key, with no copy.
 */
export function keyOfBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The bytes of a Hermes key made by {@link keyOfBytes}, as a fresh `Buffer`. */
export function bytesOfKey(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

/** The Hermes key of a text key: the latin1 form of its UTF-8 bytes (ASCII passes as it is). */
export function keyOfText(text: string): string {
  if (Buffer.byteLength(text, 'utf8') === text.length) return text;
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Code points 0x80-0xFF: a Hermes key holding one stands for a non-ASCII UTF-8 sequence. */
const HIGH = /[\u0080-\u00ff]/;

/** The text of a Hermes key made by {@link keyOfText} (bytes that are not UTF-8 decode to U+FFFD). */
export function textOfKey(key: string): string {
  if (!HIGH.test(key)) return key;
  return Buffer.from(key, 'latin1').toString('utf8');
}
