import { type GlobToken, parseGlob, STAR } from './glob-parse.js';

/**
 * Redis stops matching a pattern when its `*` recursion goes deeper than this, so a pattern with
 * more `*` runs that are followed by something never matches (Redis's keyspace test
 * "very long nested loops" relies on that).
 */
const MAX_NESTED_STARS = 1000;

/** Tokens between two `*` runs: each matches exactly one byte. `literal` is set when all are bytes. */
interface Segment {
  readonly tokens: readonly GlobToken[];
  readonly literal: Buffer | undefined;
}

/**
 * Compiles a Redis glob pattern (as used by KEYS and SCAN MATCH) into a matcher over bytes that
 * answers exactly what Redis's `stringmatchlen` answers, case-sensitive: see `parseGlob` for the
 * syntax, including a `[` without `]`. Two Redis quirks are kept on purpose:
 * - an empty subject matches only the empty pattern, so `*` does not match it (Redis's KEYS and
 *   SCAN skip the matcher for the pattern `*` alone; so should the caller, see `literalPrefix`);
 * - a pattern with more than 1000 `*` runs that are followed by something matches nothing.
 * One difference: ranges compare bytes as unsigned, as Redis does on arm64 Linux; on x86 Redis
 * compares signed chars, so a range mixing bytes below and above 0x80 (`[a-\xff]`) differs there.
 *
 * The matcher runs in O(subject × pattern) at worst, with no backtracking over earlier `*`s: the
 * parts between `*`s are found leftmost-first (literal parts with `Buffer.indexOf`).
 */
export function compileGlob(pattern: Buffer): (subject: Buffer) => boolean {
  if (pattern.length === 0) return (subject) => subject.length === 0;
  const tokens = parseGlob(pattern);
  const stars = tokens.filter((t) => t === STAR).length;
  const endsWithStar = tokens[tokens.length - 1] === STAR;
  if (stars - (endsWithStar ? 1 : 0) > MAX_NESTED_STARS) return () => false;
  const segments = splitAtStars(tokens);
  const head = segments[0]!;
  if (segments.length === 1) {
    return (subject) => subject.length === head.tokens.length && matchesAt(head, subject, 0);
  }
  const tail = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1);
  return (subject) => {
    const end = subject.length - tail.tokens.length;
    if (subject.length === 0 || end < head.tokens.length) return false;
    if (!matchesAt(head, subject, 0) || !matchesAt(tail, subject, end)) return false;
    let at = head.tokens.length;
    for (const segment of middle) {
      const found = find(segment, subject, at, end);
      if (found < 0) return false;
      at = found + segment.tokens.length;
    }
    return true;
  };
}

/** What `literalPrefix` tells about a pattern. */
export interface LiteralPrefix {
  /** Bytes every matching subject starts with: the pattern's leading literal bytes, `\` escapes resolved. */
  readonly prefix: Buffer;
  /** The pattern is exactly `prefix` or exactly `prefix*`: nothing after the prefix needs the matcher. */
  readonly exact: boolean;
  /**
   * With `exact`, whether the pattern ends with `*`: true means every subject starting with
   * `prefix` matches (only the empty subject differs, see `compileGlob`), false means only
   * `prefix` itself does. Always false when `exact` is false.
   */
  readonly anySuffix: boolean;
}

/**
 * The longest literal prefix of a glob pattern (`user:\*x?` gives `user:*x`), so a caller can
 * narrow a key scan to that prefix, and whether the pattern is just that prefix, alone or followed
 * by one `*` run, so the caller can skip the matcher. `*` gives an empty prefix, exact, any suffix.
 */
export function literalPrefix(pattern: Buffer): LiteralPrefix {
  const tokens = parseGlob(pattern);
  let n = 0;
  while (n < tokens.length && typeof tokens[n] === 'number' && tokens[n] !== STAR) n++;
  const prefix = Buffer.from(tokens.slice(0, n) as number[]);
  const rest = tokens.length - n;
  const anySuffix = rest === 1 && tokens[n] === STAR;
  return { prefix, exact: rest === 0 || anySuffix, anySuffix };
}

function splitAtStars(tokens: readonly GlobToken[]): Segment[] {
  const segments: Segment[] = [];
  let from = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i] !== STAR) continue;
    const part = tokens.slice(from, i);
    const literal = part.every((t) => typeof t === 'number')
      ? Buffer.from(part as number[])
      : undefined;
    segments.push({ tokens: part, literal });
    from = i + 1;
  }
  return segments;
}

function matchesAt(segment: Segment, subject: Buffer, at: number): boolean {
  const { tokens, literal } = segment;
  if (literal !== undefined) {
    return subject.compare(literal, 0, literal.length, at, at + literal.length) === 0;
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const byte = subject[at + i]!;
    if (typeof token === 'number' ? byte !== token : token[byte] !== 1) return false;
  }
  return true;
}

/** Where `segment` first matches in `subject[from, end)`, or -1. */
function find(segment: Segment, subject: Buffer, from: number, end: number): number {
  const length = segment.tokens.length;
  if (segment.literal !== undefined) {
    const found = subject.indexOf(segment.literal, from);
    return found >= 0 && found + length <= end ? found : -1;
  }
  for (let at = from; at + length <= end; at++) {
    if (matchesAt(segment, subject, at)) return at;
  }
  return -1;
}
