import { DurableStoreError } from './errors.js';
import type { WatchOptions } from './watch-types.js';

/** Whether a key is watched. */
export type KeyFilter = (key: string) => boolean;

/**
 * Compares two strings by their UTF-8 bytes (which is code point order), without encoding them.
 * UTF-16 code units sort the same way except that surrogates (U+D800..U+DFFF, which encode code
 * points above U+FFFF) sort below U+E000..U+FFFF; the first differing units are mapped so that
 * surrogates sort above them, as ICU's `u_strCompare(..., codePointOrder)` does.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

function fixup(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/**
 * The filter of `options`' `prefix`, `gt`, `gte`, `lt`, `lte` (all must hold), or `undefined`
 * when every key is watched. Throws `DURABLE_INVALID_OPTIONS` for a bound that is not a string or
 * for `gt` with `gte` (or `lt` with `lte`).
 */
export function keyFilter(options: WatchOptions): KeyFilter | undefined {
  const { prefix, gt, gte, lt, lte } = options;
  for (const [name, value] of Object.entries({ prefix, gt, gte, lt, lte })) {
    if (value !== undefined && typeof value !== 'string') {
      throw new DurableStoreError(
        'DURABLE_INVALID_OPTIONS',
        `watch option ${name} must be a string, got ${typeof value}.`,
      );
    }
  }
  if (gt !== undefined && gte !== undefined) {
    throw new DurableStoreError('DURABLE_INVALID_OPTIONS', 'watch takes gt or gte, not both.');
  }
  if (lt !== undefined && lte !== undefined) {
    throw new DurableStoreError('DURABLE_INVALID_OPTIONS', 'watch takes lt or lte, not both.');
  }
  const tests: KeyFilter[] = [];
  if (prefix) tests.push((key) => key.startsWith(prefix));
  if (gt !== undefined) tests.push((key) => compareUtf8(key, gt) > 0);
  if (gte !== undefined) tests.push((key) => compareUtf8(key, gte) >= 0);
  if (lt !== undefined) tests.push((key) => compareUtf8(key, lt) < 0);
  if (lte !== undefined) tests.push((key) => compareUtf8(key, lte) <= 0);
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (key) => tests.every((test) => test(key));
}
