import type { ScanOptions } from './contract.js';
import { StoreError } from './errors.js';
import { compareKeys, sortableKey } from './key-order.js';

/**
 * {@link ScanOptions} resolved: one lower and one upper bound (the prefix folded in), the
 * direction and the limit. `lower`/`upper` are in `sortableKey` form (as the trees hold keys),
 * `undefined` when unbounded; `empty` when no key can fall in the range.
 */
export interface KeyRange {
  /** The lower bound, or `undefined` for none. */
  readonly lower: string | undefined;
  /** Whether `lower` itself is excluded (`gt`). */
  readonly lowerOpen: boolean;
  /** The upper bound, or `undefined` for none. */
  readonly upper: string | undefined;
  /** Whether `upper` itself is excluded (`lt`, or the end of a prefix). */
  readonly upperOpen: boolean;
  /** Whether to walk from the top down. */
  readonly reverse: boolean;
  /** Most entries to yield (`Infinity` for all). */
  readonly limit: number;
  /** Whether no key can fall in the range (or the limit is 0). */
  readonly empty: boolean;
}

/** The range of every key, ascending, without limit. */
export const EVERY_KEY_RANGE: KeyRange = Object.freeze({
  lower: undefined,
  lowerOpen: false,
  upper: undefined,
  upperOpen: false,
  reverse: false,
  limit: Number.POSITIVE_INFINITY,
  empty: false,
});

const KNOWN = new Set(['gt', 'gte', 'lt', 'lte', 'prefix', 'reverse', 'limit']);

/** Validates `options` and resolves them to a {@link KeyRange}. Throws `STORE_INVALID_OPTION`. */
export function resolveRange(options: ScanOptions | undefined): KeyRange {
  if (options === undefined) return EVERY_KEY_RANGE;
  if (typeof options !== 'object' || options === null) {
    throw invalid(
      `Scan options must be an object such as { gte: 'a', lt: 'b' }, got ${describe(options)}.`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) {
      throw invalid(
        `Unknown scan option ${JSON.stringify(name)}; use gt, gte, lt, lte, prefix, reverse or limit.`,
      );
    }
  }
  const gt = bound(options, 'gt');
  const gte = bound(options, 'gte');
  const lt = bound(options, 'lt');
  const lte = bound(options, 'lte');
  const prefix = bound(options, 'prefix');
  if (gt !== undefined && gte !== undefined) {
    throw invalid('Give gt or gte, not both: one lower bound per scan.');
  }
  if (lt !== undefined && lte !== undefined) {
    throw invalid('Give lt or lte, not both: one upper bound per scan.');
  }
  const reverse = options.reverse ?? false;
  if (typeof reverse !== 'boolean') {
    throw invalid(`reverse must be true or false, got ${describe(reverse)}.`);
  }
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (
    typeof limit !== 'number' ||
    !(Number.isInteger(limit) || limit === Number.POSITIVE_INFINITY) ||
    limit < 0
  ) {
    throw invalid(
      `limit must be a non-negative integer, or Infinity (or left out) for no limit, got ${describe(limit)}.`,
    );
  }

  let lower = gt ?? gte;
  let lowerOpen = gt !== undefined;
  let upper = lt ?? lte;
  let upperOpen = lt !== undefined;
  if (prefix !== undefined && prefix !== '') {
    // The keys that start with a prefix are one interval: [prefix, prefixEnd(prefix)).
    if (lower === undefined || compareKeys(prefix, lower) > 0) {
      lower = prefix;
      lowerOpen = false;
    }
    const end = prefixEnd(prefix);
    if (end !== undefined && (upper === undefined || compareKeys(end, upper) <= 0)) {
      upper = end;
      upperOpen = true;
    }
  }
  let empty = limit === 0;
  if (lower !== undefined && upper !== undefined) {
    const c = compareKeys(lower, upper);
    if (c > 0 || (c === 0 && (lowerOpen || upperOpen))) empty = true;
  }
  return {
    lower: lower === undefined ? undefined : sortableKey(lower),
    lowerOpen,
    upper: upper === undefined ? undefined : sortableKey(upper),
    upperOpen,
    reverse,
    limit,
    empty,
  };
}

/**
 * The least string above every string that starts with `prefix` (its last code point
 * incremented, dropping trailing U+10FFFF), or `undefined` when there is none (`prefix` is
 * empty or all U+10FFFF).
 */
export function prefixEnd(prefix: string): string | undefined {
  let end = prefix.length;
  while (end > 0) {
    const low = prefix.charCodeAt(end - 1);
    const pair = end >= 2 && low >= 0xdc00 && low <= 0xdfff;
    const start = pair ? end - 2 : end - 1;
    const codePoint = prefix.codePointAt(start)!;
    if (codePoint < 0x10ffff) {
      const next = codePoint === 0xd7ff ? 0xe000 : codePoint + 1;
      return prefix.slice(0, start) + String.fromCodePoint(next);
    }
    end = start;
  }
  return undefined;
}

function bound(
  options: ScanOptions,
  name: 'gt' | 'gte' | 'lt' | 'lte' | 'prefix',
): string | undefined {
  const value: unknown = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw invalid(`${name} must be a string key, got ${describe(value)}.`);
  }
  if (!(value as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw invalid(
      `${name} is not well-formed Unicode (it has a lone surrogate), so it has no place in UTF-8 order; use value.toWellFormed().`,
    );
  }
  return value;
}

function invalid(message: string): StoreError {
  return new StoreError('STORE_INVALID_OPTION', message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}
