/**
 * A 52-bit hash of a key's UTF-16 code units, an integer from 0 to 2^52 - 1: two 32-bit lanes
 * (a MurmurHash2-style and an FNV-1a-style mix, each finished with MurmurHash3's avalanche), the
 * first giving the top 32 bits and the second the low 20. SCAN cursors are positions in this
 * hash space, so it must never change once clients hold cursors across a restart or upgrade.
 */
export function keyHash(key: string): number {
  let a = 0x9747b28c ^ key.length;
  let b = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x5bd1e995);
    a ^= a >>> 15;
    b = Math.imul(b ^ c, 0x01000193);
  }
  return avalanche(a) * 2 ** 20 + (avalanche(b ^ key.length) >>> 12);
}

/** One page of a SCAN. */
export interface ScanPage {
  /** The page's keys that `accept` took, in hash order. */
  readonly keys: string[];
  /** The cursor for the next page: 0 once the scan has visited every key. */
  readonly next: number;
}

/**
 * One page of a stateless SCAN over an unordered set of keys: the keys whose hash is at least
 * `cursor`, taking the `count` smallest distinct hashes (all keys sharing a hash come together,
 * never split across pages), kept if `accept` (MATCH) takes them. `next` is the last hash taken
 * plus 1, or 0 when no key with a larger hash was seen. Start with cursor 0 and loop until `next`
 * is 0: every key present for the whole scan is returned at least once, and exactly once if the
 * set does not change; keys added or removed meanwhile may or may not be.
 *
 * As Redis's COUNT, `count` bounds the candidates visited, not the keys returned: a page may
 * return fewer than `count` keys, even none, with a non-zero `next`. Costs O(n log count) for n
 * keys, calling `hash` once per key and `accept` only on the page's candidates. `hash` must
 * return integers from 0 to 2^53 - 2 and is fixed for a whole scan. Throws a `RangeError` unless
 * `count` is a positive integer.
 * @default hash `keyHash`
 */
export function scanPage(
  keys: Iterable<string>,
  cursor: number,
  count: number,
  accept?: (key: string) => boolean,
  hash: (key: string) => number = keyHash,
): ScanPage {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`SCAN count must be a positive integer, got ${String(count)}.`);
  }
  const heap: number[] = []; // The distinct hashes taken so far, largest first.
  const byHash = new Map<number, string[]>();
  let more = false;
  for (const key of keys) {
    const h = hash(key);
    if (h < cursor) continue;
    const same = byHash.get(h);
    if (same !== undefined) {
      same.push(key);
    } else if (heap.length < count) {
      byHash.set(h, [key]);
      push(heap, h);
    } else {
      more = true;
      if (h > heap[0]!) continue;
      byHash.delete(heap[0]!);
      byHash.set(h, [key]);
      replaceTop(heap, h);
    }
  }
  const taken = heap.sort((x, y) => x - y);
  const page: string[] = [];
  for (const h of taken) {
    for (const key of byHash.get(h)!) if (accept === undefined || accept(key)) page.push(key);
  }
  return { keys: page, next: more ? taken[taken.length - 1]! + 1 : 0 };
}

/** MurmurHash3's 32-bit finalizer: every input bit flips each output bit with probability ~1/2. */
function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Adds `value` to the max-heap `heap`. */
function push(heap: number[], value: number): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! >= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

/** Replaces the largest value of the max-heap `heap` with `value`. */
function replaceTop(heap: number[], value: number): void {
  const n = heap.length;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap[child + 1]! > heap[child]!) child++;
    if (heap[child]! <= value) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = value;
}
