import { HttpError } from './http-error.js';

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
/** With the `u` flag, surrogate pairs are one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Limits a key must meet. */
export interface KeyLimits {
  /** Largest key, in UTF-8 bytes. @default 4096 */
  readonly maxKeyBytes: number;
}

/**
 * Decodes a percent-encoded key (the part of the path after `/kv/`, without the query string).
 * `a%2Fb` and `a/b` both decode to `a/b`; nothing decodes to the empty key `''`, which the
 * library accepts too, so `/kv/` + `encodeURIComponent(key)` addresses every key. Throws
 * `HttpError` `BAD_KEY` (400) for a malformed escape, bytes that are not UTF-8, or raw
 * characters a client must percent-encode, and `KEY_TOO_LARGE` (400) over `limits.maxKeyBytes`.
 */
export function decodeKey(encoded: string, limits: KeyLimits): string {
  if (!PRINTABLE_ASCII.test(encoded)) {
    throw new HttpError(
      400,
      'BAD_KEY',
      'The key has raw spaces, control or non-ASCII characters: percent-encode it (encodeURIComponent).',
    );
  }
  let key: string;
  try {
    key = decodeURIComponent(encoded);
  } catch (cause) {
    throw new HttpError(
      400,
      'BAD_KEY',
      'The key is not valid percent-encoded UTF-8 (a stray "%" or a broken escape): encode it with encodeURIComponent; a literal "%" is %25.',
      { cause },
    );
  }
  checkKey(key, limits, 'The key');
  return key;
}

/**
 * Throws `BAD_KEY` for a key that is not well-formed Unicode and `KEY_TOO_LARGE` over the limit;
 * `what` names it in messages. The empty key is a key, as in the library and over Redis.
 */
export function checkKey(key: string, limits: KeyLimits, what: string): void {
  if (LONE_SURROGATE.test(key)) {
    throw new HttpError(
      400,
      'BAD_KEY',
      `${what} has a lone surrogate, so it is not valid Unicode.`,
    );
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > limits.maxKeyBytes) {
    throw new HttpError(
      400,
      'KEY_TOO_LARGE',
      `${what} is ${bytes} bytes in UTF-8; the limit is ${limits.maxKeyBytes}. Use a shorter key.`,
    );
  }
}

/**
 * Splits a raw request URL into its path and its raw query string (without `?`).
 */
export function splitUrl(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  return q === -1
    ? { path: rawUrl, query: '' }
    : { path: rawUrl.slice(0, q), query: rawUrl.slice(q + 1) };
}
