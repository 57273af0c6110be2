/**
 * The order of keys in every Hermes store: by their UTF-8 bytes, as LevelDB, lmdb and
 * memory-level's default byte order sort them. For well-formed strings this is Unicode code
 * point order, which differs from JavaScript's `<` (UTF-16 code unit order) only where a
 * character above U+FFFF (a surrogate pair, such as most emoji) meets one in U+E000..U+FFFF:
 * `'\u{1F511}' > '\uFFFF'` here, `<` says the opposite. Returns a negative number, zero or a
 * positive number, as `Array.prototype.sort` expects. Defined for well-formed keys (the stores
 * refuse others).
 *
 * @example
 * ['b', '🔑', '\uffff', 'a'].sort(compareKeys); // ['a', 'b', '\uffff', '🔑']
 */
export function compareKeys(a: string, b: string): number {
  return compareSortable(sortableKey(a), sortableKey(b));
}

/** Code units from U+D800 up: the only ones whose UTF-16 order can differ from code point order. */
const HIGH = /[\ud800-\uffff]/;

/**
 * `key` rewritten so that JavaScript's native string order (`<`, a fast `memcmp` in V8) on the
 * results is {@link compareKeys} order on the keys: code units U+E000..U+FFFF move down by
 * 0x800 and surrogates (U+D800..U+DFFF) move up by 0x2000, above them. A key with no code unit
 * from U+D800 up (nearly every key) is returned as it is, without a copy. The stores' trees hold
 * keys in this form; {@link keyOfSortable} undoes it.
 */
export function sortableKey(key: string): string {
  if (!HIGH.test(key)) return key;
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    out += String.fromCharCode(c < 0xd800 ? c : c < 0xe000 ? c + 0x2000 : c - 0x800);
  }
  return out;
}

/** The key whose {@link sortableKey} is `sortable` (the inverse rewrite). */
export function keyOfSortable(sortable: string): string {
  if (!HIGH.test(sortable)) return sortable;
  let out = '';
  for (let i = 0; i < sortable.length; i++) {
    const c = sortable.charCodeAt(i);
    out += String.fromCharCode(c < 0xd800 ? c : c < 0xf800 ? c + 0x800 : c - 0x2000);
  }
  return out;
}

/** Native string order, for keys in {@link sortableKey} form. */
export function compareSortable(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
