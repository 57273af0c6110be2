import { compareKeys } from '@hermes/store';
import { DurableStoreError } from './errors.js';
import type { WatchOptions } from './watch-types.js';

/** Whether a key is watched. */
export type KeyFilter = (key: string) => boolean;

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
  if (gt !== undefined) tests.push((key) => compareKeys(key, gt) > 0);
  if (gte !== undefined) tests.push((key) => compareKeys(key, gte) >= 0);
  if (lt !== undefined) tests.push((key) => compareKeys(key, lt) < 0);
  if (lte !== undefined) tests.push((key) => compareKeys(key, lte) <= 0);
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (key) => tests.every((test) => test(key));
}
