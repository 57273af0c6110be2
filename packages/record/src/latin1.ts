/**
 * Latin-1 string <-> byte copies without the argument handling of `Buffer#toString` and
 * `Buffer#write`: these call `latin1Slice`/`latin1Write`, the methods those two dispatch to
 * (present on every Node Buffer, though undocumented), falling back to the public methods.
 */

interface Latin1Methods {
  latin1Slice(start: number, end: number): string;
  base64Slice(start: number, end: number): string;
  latin1Write(text: string, offset: number): number;
}

const proto = Buffer.prototype as unknown as Partial<Latin1Methods>;
const fast = typeof proto.latin1Slice === 'function' && typeof proto.latin1Write === 'function';
const fastBase64 = typeof proto.base64Slice === 'function';

/** `bytes[start, end)` as a string of the same char codes. */
export function latin1Slice(bytes: Buffer, start: number, end: number): string {
  return fast
    ? (bytes as unknown as Latin1Methods).latin1Slice(start, end)
    : bytes.toString('latin1', start, end);
}

/** Writes the char codes of `text` (all below 256) at `at`; returns the index after them. */
export function writeLatin1(target: Buffer, at: number, text: string): number {
  const n = text.length;
  if (n < 48) {
    for (let i = 0; i < n; i++) target[at + i] = text.charCodeAt(i);
    return at + n;
  }
  return (
    at +
    (fast
      ? (target as unknown as Latin1Methods).latin1Write(text, at)
      : target.write(text, at, 'latin1'))
  );
}

/** `bytes` as standard padded base64 (`toString('base64')` without its dispatch). */
export function base64Slice(bytes: Buffer): string {
  return fastBase64
    ? (bytes as unknown as Latin1Methods).base64Slice(0, bytes.length)
    : bytes.toString('base64');
}
