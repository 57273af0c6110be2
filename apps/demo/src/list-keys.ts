/** What a bounded listing returns. */
export interface KeyPage {
  /** Matching keys in ascending JavaScript string order (UTF-16 code units), at most `limit`. */
  readonly keys: string[];
  /** Pass as `after` to get the next page; `null` when this page is the last. */
  readonly next: string | null;
}

/**
 * Selects the `limit` smallest keys that are greater than `after` (when given), from keys in
 * any order, in one pass and O(limit) memory, however many keys match.
 */
export function selectPage(keys: Iterable<string>, limit: number, after?: string): KeyPage {
  // A sorted window of at most limit + 1 keys: the extra one tells whether there is a next page.
  const window: string[] = [];
  const cap = limit + 1;
  for (const key of keys) {
    if (after !== undefined && key <= after) continue;
    if (window.length === cap && key >= window[cap - 1]!) continue;
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (window[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    window.splice(lo, 0, key);
    if (window.length > cap) window.pop();
  }
  if (window.length <= limit) return { keys: window, next: null };
  const page = window.slice(0, limit);
  return { keys: page, next: page[page.length - 1]! };
}
