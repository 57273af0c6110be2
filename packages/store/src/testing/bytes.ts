import { Buffer } from 'node:buffer';

/** UTF-8 bytes of `text`, as a fresh `Uint8Array`. */
export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** A printable form of a value for assertions: `undefined`, or `hex:` and its bytes. */
export function show(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : `hex:${Buffer.from(value).toString('hex')}`;
}
