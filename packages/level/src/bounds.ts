import type { ScanOptions } from '@hermes/store';
import { encodeKey, type Native } from './codec.js';
import type { Bounds } from './cursor.js';

/** The range options abstract-level hands the private methods, keys already in `keyEncoding`. */
export interface LevelRange {
  readonly gt?: Native;
  readonly gte?: Native;
  readonly lt?: Native;
  readonly lte?: Native;
  readonly reverse?: boolean;
  /** `-1` for no limit. */
  readonly limit?: number;
  readonly keyEncoding: string;
}

/** `range` in Hermes keys. As in memory-level, `gte` wins over `gt` and `lte` over `lt`. */
export function boundsOf(range: LevelRange): Bounds {
  const key = (name: 'gt' | 'gte' | 'lt' | 'lte'): string | undefined => {
    const value = range[name];
    return value === undefined || value === null ? undefined : encodeKey(value, range.keyEncoding);
  };
  const gte = key('gte');
  const lte = key('lte');
  return {
    lower: gte ?? key('gt'),
    lowerOpen: gte === undefined,
    upper: lte ?? key('lt'),
    upperOpen: lte === undefined,
    reverse: range.reverse === true,
  };
}

/** `range` as the store's scan options, with its limit (for `clear`). */
export function scanOf(range: LevelRange): ScanOptions {
  const { lower, lowerOpen, upper, upperOpen, reverse } = boundsOf(range);
  const limit = range.limit ?? -1;
  const scan: { -readonly [K in keyof ScanOptions]: ScanOptions[K] } = { reverse };
  if (lower !== undefined) scan[lowerOpen ? 'gt' : 'gte'] = lower;
  if (upper !== undefined) scan[upperOpen ? 'lt' : 'lte'] = upper;
  if (limit >= 0) scan.limit = limit;
  return scan;
}
