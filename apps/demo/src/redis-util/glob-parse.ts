/**
 * One step of a parsed glob pattern: `STAR` for a run of `*`, a byte (0 to 255) that must match
 * exactly, or a 256-entry table where `table[byte] === 1` accepts that byte (`?`, `[...]`).
 */
export type GlobToken = number | Uint8Array;

/** The token for a run of one or more unescaped `*`. */
export const STAR = -1;

const ASTERISK = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const BACKSLASH = 0x5c;

/** Accepts every byte: what `?` matches. */
const ANY_BYTE: Uint8Array = new Uint8Array(256).fill(1);

/**
 * Splits `pattern` into tokens the way Redis's `stringmatchlen` walks it:
 * - `*` runs collapse into one `STAR`; `?` is any byte;
 * - `\x` is the byte `x`, and a `\` that ends the pattern is a literal `\`;
 * - `[...]` is a set of bytes, `[^...]` its complement; inside, `\x` is `x`, and `a-z` (or `z-a`)
 *   is the range between those bytes, whatever they are (so `[a-]` is the range `]`..`a`, and the
 *   set runs on to the end of the pattern);
 * - a `[` with no closing `]` takes everything up to the end of the pattern as its set (`[` alone
 *   is an empty set that never matches; `[^` matches any byte).
 * Ranges compare unsigned bytes; see `compileGlob` for where that differs from Redis on x86.
 */
export function parseGlob(pattern: Uint8Array): GlobToken[] {
  const n = pattern.length;
  const tokens: GlobToken[] = [];
  let i = 0;
  while (i < n) {
    const c = pattern[i]!;
    if (c === ASTERISK) {
      while (i < n && pattern[i] === ASTERISK) i++;
      tokens.push(STAR);
    } else if (c === QUESTION) {
      tokens.push(ANY_BYTE);
      i++;
    } else if (c === OPEN) {
      i = parseSet(pattern, i + 1, tokens);
    } else if (c === BACKSLASH && i + 1 < n) {
      tokens.push(pattern[i + 1]!);
      i += 2;
    } else {
      tokens.push(c);
      i++;
    }
  }
  return tokens;
}

/** Parses the set that starts at `from` (just after `[`), pushes it, returns where the next token starts. */
function parseSet(pattern: Uint8Array, from: number, tokens: GlobToken[]): number {
  const n = pattern.length;
  const set = new Uint8Array(256);
  let i = from;
  const negated = i < n && pattern[i] === CARET;
  if (negated) i++;
  let next = n; // No closing bracket: the set runs to the end of the pattern.
  while (i < n) {
    const c = pattern[i]!;
    if (c === BACKSLASH && i + 1 < n) {
      set[pattern[i + 1]!] = 1;
      i += 2;
    } else if (c === CLOSE) {
      next = i + 1;
      break;
    } else if (i + 2 < n && pattern[i + 1] === DASH) {
      const end = pattern[i + 2]!;
      set.fill(1, Math.min(c, end), Math.max(c, end) + 1);
      i += 3;
    } else {
      set[c] = 1;
      i++;
    }
  }
  if (negated) for (let b = 0; b < 256; b++) set[b] = 1 - set[b]!;
  tokens.push(set);
  return next;
}
