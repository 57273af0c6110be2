export { TempDirs } from '@hermes/wal/testing';

/** UTF-8 bytes of `text`. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `bytes` as UTF-8 text, or `undefined`. */
export function text(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : new TextDecoder().decode(value);
}
