/** Byte values of characters in the standard base64 alphabet (-1 elsewhere). */
const B64_VALUE = new Int8Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < 64; i++) B64_VALUE[ALPHABET.charCodeAt(i)] = i;

const EQUALS = 61;

/** Decoded size of a canonical base64 field `line[start, end)`, or -1 if its shape is wrong. */
export function base64DecodedLength(line: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n % 4 !== 0) return -1;
  if (n === 0) return 0;
  const pad = line[end - 1] === EQUALS ? (line[end - 2] === EQUALS ? 2 : 1) : 0;
  return (n / 4) * 3 - pad;
}

/**
 * Decodes the canonical (standard alphabet, padded) base64 field `line[start, end)` whose decoded
 * size `expected` came from {@link base64DecodedLength}; `undefined` if it is not canonical base64.
 *
 * Node's decoder is lenient (it skips unknown characters, stops at `=`, accepts `-` and `_`), so
 * strictness is checked around it with native scans: the decoded size must be exact, the URL-safe
 * characters absent, and the unused low bits of the last character zero. Every other non-alphabet
 * byte makes the decoder skip it, which the size check catches.
 */
export function decodeBase64(
  line: Buffer,
  start: number,
  end: number,
  expected: number,
): Buffer | undefined {
  if (expected === 0) return Buffer.alloc(0);
  const text = line.toString('latin1', start, end);
  const value = Buffer.from(text, 'base64');
  if (value.length !== expected) return undefined;
  if (text.indexOf('-') !== -1 || text.indexOf('_') !== -1) return undefined;
  const pad = ((end - start) / 4) * 3 - expected;
  if (pad > 0) {
    const last = B64_VALUE[line[end - 1 - pad]!]!;
    if (last < 0 || (last & (pad === 2 ? 15 : 3)) !== 0) return undefined;
  }
  return value;
}
