import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, literalPrefix } from '../../src/redis-util/glob.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const matches = (pattern: string, subject: string): boolean =>
  compileGlob(bytes(pattern))(bytes(subject));

const [STAR, QUESTION, OPEN, CLOSE, CARET, DASH, BACKSLASH] = [...'*?[]^-\\'].map((c) =>
  c.charCodeAt(0),
);

/**
 * Redis's `stringmatchlen` written as a plain recursion over the pattern bytes, with no compiling
 * and no pruning: exponential, so only for short inputs. Leaves out the 1000-star nesting limit.
 */
function reference(p: Uint8Array, s: Uint8Array): boolean {
  if (s.length === 0) return p.length === 0;
  const go = (pi: number, si: number): boolean => {
    if (pi === p.length) return si === s.length;
    const c = p[pi]!;
    if (c === STAR) return go(pi + 1, si) || (si < s.length && go(pi, si + 1));
    if (si === s.length) return false;
    const b = s[si]!;
    if (c === QUESTION) return go(pi + 1, si + 1);
    if (c === BACKSLASH && pi + 1 < p.length) return p[pi + 1] === b && go(pi + 2, si + 1);
    if (c === OPEN) {
      const [ok, next] = inBrackets(p, pi + 1, b);
      return ok && go(next, si + 1);
    }
    return c === b && go(pi + 1, si + 1);
  };
  return go(0, 0);
}

/** Whether `[...]` starting at `i` (after the `[`) accepts byte `b`, and where the pattern goes on. */
function inBrackets(p: Uint8Array, i: number, b: number): [boolean, number] {
  const negated = i < p.length && p[i] === CARET;
  if (negated) i++;
  let hit = false;
  for (;;) {
    if (i + 1 < p.length && p[i] === BACKSLASH) {
      hit ||= p[i + 1] === b;
      i += 2;
    } else if (i >= p.length) {
      return [hit !== negated, p.length];
    } else if (p[i] === CLOSE) {
      return [hit !== negated, i + 1];
    } else if (i + 2 < p.length && p[i + 1] === DASH) {
      const [x, y] = [p[i]!, p[i + 2]!];
      hit ||= b >= Math.min(x, y) && b <= Math.max(x, y);
      i += 3;
    } else {
      hit ||= p[i] === b;
      i++;
    }
  }
}

describe('compileGlob', () => {
  // [pattern, subject, does Redis's stringmatchlen match], each traced through Redis's util.c.
  const cases: [string, string, boolean][] = [
    ['', '', true],
    ['', 'a', false],
    ['a', '', false],
    ['*', '', false], // Redis: an empty subject matches only the empty pattern
    ['**', '', false],
    ['*', 'anything', true],
    ['a*', 'a', true],
    ['a**', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ba', false],
    ['*a', 'a', true],
    ['*a', 'ba', true],
    ['*a', 'ab', false],
    ['a*b', 'ab', true],
    ['a*b', 'axxb', true],
    ['a*b', 'axxbc', false],
    ['a*b*c', 'abbbc', true],
    ['a*b*c', 'acb', false],
    ['*?*', 'x', true],
    ['*?*', '', false],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['?', '\xff', true],
    ['HELLO', 'hello', false],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[a-b]llo', 'hcllo', false],
    ['[z-a]', 'm', true], // a reversed range is the same range
    ['[z-a]', 'A', false],
    ['[--z]', 'a', true], // `-` can start a range
    ['[--z]', ',', false],
    ['[!a]', '!', true], // `!` is not a negation in Redis
    ['[!a]', 'b', false],
    ['[\x80-\xff]', '\xc3', true],
    ['[\x80-\xff]', 'a', false],
    ['[a\\-z]', '-', true], // an escaped `-` is a plain member, not a range
    ['[a\\-z]', 'b', false],
    ['[\\]]', ']', true],
    ['[\\]]x', ']x', true],
    ['[a-\\]', '\\', true], // a range may end on an unescaped `\`: `\`..`a`
    ['[a-\\]', '^', true],
    ['[a-\\]', 'b', false],
    ['[a-]', ']', true], // the range eats the `]`: `]`..`a`, and the set runs on to the end
    ['[a-]', '_', true],
    ['[a-]', '-', false],
    ['[a-]x', 'x', true],
    ['[a-]x', ']x', false],
    ['[a-', '-', true], // too short for a range: `a` and `-`
    ['[a-', 'b', false],
    ['[abc', 'a', true], // no `]`: the set runs to the end of the pattern
    ['[abc', 'ab', false],
    ['[', '[', false], // an empty set
    ['[', '', false],
    ['[^', 'x', true],
    ['[^', 'xy', false],
    ['[^a', 'a', false],
    ['[]', ']', false], // `]` right after `[` closes an empty set
    ['[]a]', ']a]', false],
    ['[^]', 'x', true],
    ['[^]a]', 'xa]', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['\\?', '?', true],
    ['\\?', 'a', false],
    ['\\[a]', '[a]', true],
    ['\\\\', '\\', true],
    ['\\', '\\', true], // a `\` that ends the pattern is a literal `\`
    ['a\\', 'a\\', true],
    ['a*\\', 'axx\\', true],
    ['a[b]c*d', 'abcxxd', true],
    ['user:*:name', 'user:42:name', true],
    ['user:*:name', 'user:42:names', false],
    ['a\x00b', 'a\x00b', true],
  ];
  it.each(cases)('%j against %j is %j', (pattern, subject, expected) => {
    expect(matches(pattern, subject)).toBe(expected);
    expect(reference(bytes(pattern), bytes(subject))).toBe(expected);
  });

  it('answers as a direct recursive matcher on small alphabets', () => {
    const patternByte = fc.constantFrom(...bytes('ab*?[]^-\\\xff'));
    const subjectByte = fc.constantFrom(...bytes('ab]^-\\*\xff'));
    fc.assert(
      fc.property(
        fc.array(patternByte, { maxLength: 9 }),
        fc.array(subjectByte, { maxLength: 10 }),
        (p, s) => {
          const pattern = Buffer.from(p);
          const subject = Buffer.from(s);
          expect(compileGlob(pattern)(subject)).toBe(reference(pattern, subject));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('answers as the reference on subjects built to match, some then mutated', () => {
    const ab = fc.constantFrom('a', 'b');
    // [pattern piece, a subject piece it matches]
    const piece = fc.oneof(
      ab.map((c) => [c, c]),
      fc.array(ab, { maxLength: 3 }).map((s) => ['*', s.join('')]),
      ab.map((c) => ['?', c]),
      ab.map((c) => ['[ab]', c]),
      fc.constantFrom('b', '*').map((c) => ['[^a]', c]),
      ab.map((c) => ['[b-a]', c]),
      fc.constant(['\\*', '*']),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
        (pieces, at, mutate) => {
          const pattern = bytes(pieces.map(([p]) => p).join(''));
          const subject = bytes(pieces.map(([, s]) => s).join(''));
          if (mutate && subject.length > 0) {
            const i = at % subject.length;
            subject[i] = subject[i]! ^ 3; // a <-> b, * -> )
          }
          const expected = reference(pattern, subject);
          if (!mutate) expect(expected || subject.length === 0).toBe(true);
          expect(compileGlob(pattern)(subject)).toBe(expected);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('does not backtrack into earlier stars (Redis regression "long nested loops")', () => {
    const pattern = bytes(`${'a*'.repeat(20)}b`);
    expect(compileGlob(pattern)(bytes('a'.repeat(100_000)))).toBe(false);
    expect(compileGlob(pattern)(bytes(`${'a'.repeat(100_000)}b`))).toBe(true);
    const classes = bytes(`${'[a]*?'.repeat(20)}b`);
    expect(compileGlob(classes)(bytes('a'.repeat(10_000)))).toBe(false);
  });

  it('gives up beyond 1000 nested stars, as Redis does ("very long nested loops")', () => {
    const subject = bytes('a'.repeat(50_000));
    expect(matches('*?'.repeat(50_000), subject.toString('latin1'))).toBe(false);
    expect(matches('*a'.repeat(1000), 'a'.repeat(1000))).toBe(true);
    expect(matches('*a'.repeat(1001), 'a'.repeat(1001))).toBe(false);
    // A trailing star does not nest: 1001 stars of which 1000 are followed by something.
    expect(matches('a*'.repeat(1001), 'a'.repeat(1001))).toBe(true);
    expect(matches(`${'\\*'.repeat(2000)}*`, '*'.repeat(2000))).toBe(true); // escaped stars do not count
  });
});

describe('literalPrefix', () => {
  // [pattern, prefix, exact, anySuffix]
  const cases: [string, string, boolean, boolean][] = [
    ['', '', true, false],
    ['*', '', true, true],
    ['**', '', true, true],
    ['user:*', 'user:', true, true],
    ['user:**', 'user:', true, true],
    ['user:', 'user:', true, false],
    ['a\\*', 'a*', true, false],
    ['a\\*b*', 'a*b', true, true],
    ['ab\\', 'ab\\', true, false],
    ['a?b', 'a', false, false],
    ['a*b', 'a', false, false],
    ['a**b', 'a', false, false],
    ['*a', '', false, false],
    ['a*\\', 'a', false, false],
    ['[a]b', '', false, false],
    ['ab[', 'ab', false, false],
    ['a\\[b]*', 'a[b]', true, true],
  ];
  it.each(cases)(
    '%j has prefix %j, exact %j, any suffix %j',
    (pattern, prefix, exact, anySuffix) => {
      expect(literalPrefix(bytes(pattern))).toEqual({ prefix: bytes(prefix), exact, anySuffix });
    },
  );

  it('is a prefix of every match, and exact says when the prefix alone decides', () => {
    const patternByte = fc.constantFrom(...bytes('ab*?[]\\'));
    fc.assert(
      fc.property(
        fc.array(patternByte, { maxLength: 8 }),
        fc.array(fc.constantFrom(...bytes('ab*?[]\\')), { maxLength: 6 }),
        fc.boolean(),
        (p, tail, withPrefix) => {
          const pattern = Buffer.from(p);
          const { prefix, exact, anySuffix } = literalPrefix(pattern);
          const subject = Buffer.concat([withPrefix ? prefix : Buffer.alloc(0), Buffer.from(tail)]);
          const match = compileGlob(pattern)(subject);
          if (match) expect(subject.subarray(0, prefix.length)).toEqual(prefix);
          if (exact && anySuffix && subject.length > 0) {
            expect(match).toBe(subject.subarray(0, prefix.length).equals(prefix));
          }
          if (exact && !anySuffix) expect(match).toBe(subject.equals(prefix));
          if (!exact) expect(anySuffix).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
