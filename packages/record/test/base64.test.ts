import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64DecodedLength, decodeBase64 } from '../src/base64.js';

/** Canonical padded base64: what Node's encoder writes for the bytes it decodes to. */
function isCanonical(text: string): boolean {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return false;
  return Buffer.from(text, 'base64').toString('base64') === text;
}

function decode(text: string): Buffer | undefined {
  const line = Buffer.from(`>${text}<`, 'latin1');
  const size = base64DecodedLength(line, 1, line.length - 1);
  return size < 0 ? undefined : decodeBase64(line, 1, line.length - 1, size);
}

describe('base64 (both the JavaScript and the native paths)', () => {
  it('decodes what Buffer#toString("base64") writes, for every size across the crossover', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (value) => {
        expect(decode(Buffer.from(value).toString('base64'))?.equals(value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts exactly the canonical spellings, short and long', () => {
    const chars = fc.constantFrom(...'AQgw+/=-_ *\n\u00ff'.split(''), 'A', 'B', 'z', '9');
    const text = fc.oneof(
      fc.string({ unit: chars, maxLength: 12 }),
      fc
        .tuple(
          fc.uint8Array({ minLength: 380, maxLength: 700 }),
          fc.nat(),
          fc.string({ unit: chars, maxLength: 2 }),
        )
        .map(([v, at, junk]) => {
          const t = Buffer.from(v).toString('base64');
          const i = at % (t.length + 1);
          return t.slice(0, i) + junk + t.slice(i + junk.length);
        }),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(decode(t) !== undefined, JSON.stringify(t)).toBe(isCanonical(t));
      }),
      { numRuns: 3000 },
    );
  });
});
