import { DurableStoreError } from './errors.js';

/** The options `openDurableStore` takes with the local log (`dir`). */
const LOCAL_LOG_OPTIONS = [
  'store',
  'compaction',
  'watchHistory',
  'dir',
  'sync',
  'segmentBytes',
  'maxCommitBytes',
  'maxQueueBytes',
  'maxQueueRecords',
  'closeTimeoutMs',
  'recovery',
  'limits',
  'onProgress',
  'observer',
  'fs',
] as const;

/** The options `openDurableStore` takes with a log the caller opens (`log`). */
const OWN_LOG_OPTIONS = ['store', 'compaction', 'watchHistory', 'log', 'closeTimeoutMs'] as const;

/**
 * Throws `DURABLE_INVALID_OPTIONS` unless `options` is an object whose every key is an option of
 * `openDurableStore`; a misspelled one is named with the nearest valid name (`syncPolicy`: did
 * you mean `sync`?), so a typo never opens the store with a default the caller did not choose.
 */
export function checkOptionNames(options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new DurableStoreError(
      'DURABLE_INVALID_OPTIONS',
      `openDurableStore needs an options object like { store: new ShardedStore(), dir: './data' }, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`,
    );
  }
  const known: readonly string[] =
    (options as { log?: unknown }).log !== undefined ? OWN_LOG_OPTIONS : LOCAL_LOG_OPTIONS;
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const nearest = closest(name, known);
    throw new DurableStoreError(
      'DURABLE_INVALID_OPTIONS',
      `Unknown option "${name}"${nearest === undefined ? '' : `: did you mean "${nearest}"?`} openDurableStore takes ${known.join(', ')}.`,
    );
  }
}

/** The name of `names` nearest to `name` (edit distance, ignoring case), if near enough to be a typo. */
function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of names) {
    const c = candidate.toLowerCase();
    const d = lower.includes(c) || c.includes(lower) ? 1 : distance(lower, c);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
