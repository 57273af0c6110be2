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
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Code units from U+D800 up: surrogates (pairs, so code points above U+FFFF) sort after
      // U+E000..U+FFFF. Shift both ranges so that code unit order becomes code point order.
      if (x >= 0xd800 && y >= 0xd800) return fixSurrogate(x) - fixSurrogate(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

function fixSurrogate(unit: number): number {
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
