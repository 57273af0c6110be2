import type { ScanOptions } from './contract.js';
import { keyOfSortable } from './key-order.js';
import { resolveRange } from './range.js';

/**
 * The two ends of a key interval: at most one lower bound (`gt` or `gte`) and one upper bound
 * (`lt` or `lte`), keys compared by their UTF-8 bytes. A missing bound leaves that side open.
 */
export interface KeyBounds {
  /** Keys after this one. */
  readonly gt?: string;
  /** Keys from this one on. */
  readonly gte?: string;
  /** Keys before this one. */
  readonly lt?: string;
  /** Keys up to this one. */
  readonly lte?: string;
}

/**
 * The interval of keys that `options` selects, with `prefix` folded into the bounds (the keys
 * that start with a prefix are one interval) and `reverse` and `limit` left out; `undefined`
 * when no key can fall in it (`{ gt: 'b', lt: 'a' }`). `{}` means every key. Validates
 * `options` as every ranged read does.
 * Throws `STORE_INVALID_OPTION`.
 *
 * @example
 * keyBounds({ prefix: 'user:', gt: 'user:10' }); // { gt: 'user:10', lt: 'user;' }
 */
export function keyBounds(options?: ScanOptions): KeyBounds | undefined {
  resolveRange(options);
  if (options === undefined) return {};
  const { reverse: _reverse, limit: _limit, ...interval } = options;
  const range = resolveRange(interval);
  if (range.empty) return undefined;
  const bounds: { gt?: string; gte?: string; lt?: string; lte?: string } = {};
  if (range.lower !== undefined) {
    bounds[range.lowerOpen ? 'gt' : 'gte'] = keyOfSortable(range.lower);
  }
  if (range.upper !== undefined) {
    bounds[range.upperOpen ? 'lt' : 'lte'] = keyOfSortable(range.upper);
  }
  return bounds;
}
