import { compareKeys, type ScanOptions, type StoreReader } from '@hermes/store';
import { HttpError } from './http-error.js';
import { booleanParameter } from './query.js';

/** Keys listed when `limit` is not given. */
export const DEFAULT_LIST_LIMIT = 100;
/** The most keys one listing returns. */
export const MAX_LIST_LIMIT = 1000;

/** The query parameters `GET /kv` takes. */
export const LIST_PARAMETERS = [
  'prefix',
  'start',
  'end',
  'gt',
  'gte',
  'lt',
  'lte',
  'reverse',
  'limit',
  'after',
] as const;

/** One page of a listing, as `GET /kv` answers it. */
export interface KeyPage {
  /** Matching keys in key order (UTF-8 byte order; from the top down when `reverse`), at most `limit`. */
  readonly keys: string[];
  /** Pass as `after` (with the same other parameters) for the next page; `null` on the last page. */
  readonly next: string | null;
}

/** A listing asked for: the store's range (without limit), the page size and the cursor. */
export interface ListRequest {
  readonly range: Omit<ScanOptions, 'limit'>;
  readonly limit: number;
  /** The last key of the previous page: this page starts past it, in listing order. */
  readonly after: string | undefined;
}

/**
 * Reads `GET /kv`'s parameters: `prefix`; one lower bound (`start` = `gte`, or `gt`, `gte`); one
 * upper bound (`end` = `lt`, or `lt`, `lte`); `reverse` (`true`/`false`); `limit` (1 to 1000,
 * default 100); `after` (the cursor). Throws `HttpError` `BAD_QUERY` (400) naming the fix.
 */
export function parseListRequest(query: ReadonlyMap<string, string>): ListRequest {
  const lower = oneOf(query, 'lower', ['start', 'gt', 'gte']);
  const upper = oneOf(query, 'upper', ['end', 'lt', 'lte']);
  const range: { -readonly [K in keyof ScanOptions]: ScanOptions[K] } = {};
  const prefix = query.get('prefix');
  if (prefix !== undefined && prefix !== '') range.prefix = prefix;
  if (lower !== undefined)
    range[lower.name === 'start' ? 'gte' : (lower.name as 'gt' | 'gte')] = lower.value;
  if (upper !== undefined)
    range[upper.name === 'end' ? 'lt' : (upper.name as 'lt' | 'lte')] = upper.value;
  range.reverse = booleanParameter(query, 'reverse', 'from the top down');
  return { range, limit: parseLimit(query.get('limit')), after: query.get('after') };
}

/**
 * One page of `request` from `reader`'s ordered keys: O(log n + limit), whatever the store's
 * size, as the store's iterator starts at the range's edge (or just past `after`).
 */
export function listPage(reader: Pick<StoreReader, 'keys'>, request: ListRequest): KeyPage {
  const options = withCursor(request.range, request.after);
  const keys: string[] = [];
  for (const key of reader.keys({ ...options, limit: request.limit + 1 })) keys.push(key);
  if (keys.length <= request.limit) return { keys, next: null };
  keys.length = request.limit;
  return { keys, next: keys[request.limit - 1]! };
}

/**
 * The range narrowed to the keys past `after` in listing order: its lower bound (its upper one
 * when reversed) becomes `gt: after` (`lt: after`) unless the range's own bound is tighter.
 */
function withCursor(range: ListRequest['range'], after: string | undefined): ScanOptions {
  if (after === undefined) return range;
  const narrowed: { -readonly [K in keyof ScanOptions]: ScanOptions[K] } = { ...range };
  if (range.reverse === true) {
    const own = range.lt ?? range.lte;
    if (own !== undefined && compareKeys(own, after) < 0) return range;
    delete narrowed.lte;
    narrowed.lt = after;
  } else {
    const own = range.gt ?? range.gte;
    if (own !== undefined && compareKeys(own, after) > 0) return range;
    delete narrowed.gte;
    narrowed.gt = after;
  }
  return narrowed;
}

/** The one parameter given among `names` (two of them are a 400), or `undefined`. */
function oneOf(
  query: ReadonlyMap<string, string>,
  which: 'lower' | 'upper',
  names: readonly string[],
): { name: string; value: string } | undefined {
  const given = names.filter((name) => query.has(name));
  if (given.length > 1) {
    throw new HttpError(
      400,
      'BAD_QUERY',
      `Give one ${which} bound, not ${given.map((n) => `"${n}"`).join(' and ')}: ${names.map((n) => `"${n}"`).join(', ')} each set it.`,
    );
  }
  const name = given[0];
  return name === undefined ? undefined : { name, value: query.get(name)! };
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIST_LIMIT;
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_LIST_LIMIT)) {
    throw new HttpError(
      400,
      'BAD_QUERY',
      `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}; page with "after".`,
    );
  }
  return n;
}
