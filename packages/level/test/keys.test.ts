import { Buffer } from 'node:buffer';
import { compareKeys } from '@hermes/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesOfKey, keyOfBytes, keyOfText, textOfKey } from '../src/index.js';

// fast-check prints the seed and the shrunk counterexample of a failure; rerun one with
// fc.assert(property, { seed, path }).
const bytes = fc.uint8Array({ maxLength: 24 });
/** Bytes near the 0x7F/0x80 edge, where a one-byte and a two-byte UTF-8 encoding meet. */
const edgy = fc
  .uint8Array({ maxLength: 8 })
  .map((a) => a.map((b) => [0, 0x7f, 0x80, 0xbf, 0xc0, 0xff][b % 6]!));
const sign = (n: number): number => Math.sign(n);

describe('the binary key mapping', () => {
  it('keeps byte order: compareKeys of the Hermes keys is Buffer.compare of the bytes', () => {
    for (const arb of [bytes, edgy]) {
      fc.assert(
        fc.property(arb, arb, (a, b) => {
          expect(sign(compareKeys(keyOfBytes(a), keyOfBytes(b)))).toBe(sign(Buffer.compare(a, b)));
        }),
        { numRuns: 5000 },
      );
    }
  });

  it('is reversible: bytesOfKey(keyOfBytes(b)) holds the bytes of b', () => {
    fc.assert(
      fc.property(bytes, (a) => {
        expect(Buffer.compare(bytesOfKey(keyOfBytes(a)), a)).toBe(0);
      }),
      { numRuns: 5000 },
    );
  });

  it('makes only keys the store takes: well-formed, code points up to U+00FF', () => {
    fc.assert(
      fc.property(bytes, (a) => {
        const key = keyOfBytes(a);
        expect((key as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true);
        expect([...key].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
      }),
    );
  });

  it('maps a text key to the key of its UTF-8 bytes, so text and bytes name the same key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (text) => {
        expect(keyOfText(text)).toBe(keyOfBytes(Buffer.from(text, 'utf8')));
        expect(textOfKey(keyOfText(text))).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps an ASCII text key as it is, with no copy', () => {
    expect(keyOfText('user:42')).toBe('user:42');
    expect(textOfKey('user:42')).toBe('user:42');
  });

  it('orders text keys by their UTF-8 bytes (so U+FFFF sorts below an emoji, unlike <)', () => {
    const texts = ['b', '🔑', '\uffff', 'a', 'é', 'z'];
    const byKey = [...texts].sort((x, y) => compareKeys(keyOfText(x), keyOfText(y)));
    const byBytes = [...texts].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(byKey).toEqual(byBytes);
    expect(byKey).toEqual(['a', 'b', 'z', 'é', '\uffff', '🔑']);
  });
});
