import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFromBytes, keyToBytes } from '../../src/redis-util/binary-key.js';

/** `String.prototype.isWellFormed` (Node 20), which the ES2023 lib we compile against lacks. */
const isWellFormed = (s: string): boolean =>
  (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const strict = new TextDecoder('utf-8', { fatal: true });
const escaped = (...bytes: number[]): string =>
  bytes.map((b) => String.fromCodePoint(0x10ff00 + b)).join('');
const RESERVED = /[\u{10ff80}-\u{10ffff}]/u;

/** Byte runs that are hard cases for a UTF-8 decoder, and a few valid ones around them. */
const TRICKY: number[][] = [
  [0xed, 0xa0, 0x80], // UTF-8 of the surrogate U+D800
  [0xed, 0xbf, 0xbf], // U+DFFF
  [0xed, 0x9f, 0xbf], // U+D7FF: valid
  [0xf4, 0x8f, 0xbe, 0x80], // U+10FF80: reserved for escapes
  [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF: reserved
  [0xf4, 0x8f, 0xbd, 0xbf], // U+10FF7F: valid, kept
  [0xf4, 0x8f, 0xbe], // truncated reserved
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf4, 0x80, 0x80, 0x80], // U+100000: valid
  [0xc0, 0x80], // overlong NUL
  [0xc1, 0xbf],
  [0xe0, 0x80, 0x80], // overlong
  [0xe0, 0x9f, 0xbf],
  [0xf0, 0x80, 0x80, 0x80], // overlong
  [0xf0, 0x8f, 0xbf, 0xbf],
  [0xf5, 0x80, 0x80, 0x80],
  [0xff],
  [0xfe],
  [0x80], // stray continuation bytes
  [0xbf],
  [0xc3], // truncated
  [0xe2, 0x82], // truncated euro sign
  [0xc3, 0xa9], // é
  [0xe2, 0x82, 0xac], // €
  [0xf0, 0x9f, 0x98, 0x80], // 😀
  [0x00],
  [0x61],
];

const trickyBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(...TRICKY),
      fc.uint8Array({ maxLength: 4 }).map((b) => [...b]),
    ),
    {
      maxLength: 12,
    },
  )
  .map((runs) => Buffer.from(runs.flat()));

describe('keyFromBytes and keyToBytes', () => {
  it.each([
    [[], ''],
    [[0x61, 0x62], 'ab'],
    [[0xc3, 0xa9], 'é'],
    [[0x80], escaped(0x80)],
    [[0xff], escaped(0xff)],
    [[0x61, 0xc3], `a${escaped(0xc3)}`],
    [[0xe2, 0x82, 0x78], `${escaped(0xe2, 0x82)}x`],
    [[0xed, 0xa0, 0x80], escaped(0xed, 0xa0, 0x80)],
    [[0xc0, 0x80], escaped(0xc0, 0x80)],
    [[0xf4, 0x8f, 0xbe, 0x80], escaped(0xf4, 0x8f, 0xbe, 0x80)],
    [[0xf4, 0x8f, 0xbf, 0xbf, 0x61], `${escaped(0xf4, 0x8f, 0xbf, 0xbf)}a`],
    [[0xf4, 0x8f, 0xbd, 0xbf], '\u{10ff7f}'],
    [[0xf4, 0x80, 0x80, 0x80], '\u{100000}'],
    [[0xf4, 0x90, 0x80, 0x80], escaped(0xf4, 0x90, 0x80, 0x80)],
    [[0xe0, 0xa4, 0xb9, 0xff, 0xe0, 0xa4, 0xb9], `ह${escaped(0xff)}ह`],
  ])('maps %j to %j and back', (bytes, key) => {
    expect(keyFromBytes(Uint8Array.from(bytes))).toBe(key);
    expect(keyToBytes(key)).toEqual(Buffer.from(bytes));
  });

  it('gives back any bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), trickyBytes), (bytes) => {
        const key = keyFromBytes(bytes);
        expect(isWellFormed(key)).toBe(true);
        expect(keyToBytes(key)).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('decodes valid UTF-8 as TextDecoder does, outside U+10FF80 to U+10FFFF', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !RESERVED.test(s));
    fc.assert(
      fc.property(text, (s) => {
        const bytes = Buffer.from(s, 'utf8');
        expect(keyFromBytes(bytes)).toBe(strict.decode(bytes));
        expect(keyToBytes(keyFromBytes(bytes))).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with TextDecoder on which bytes are valid UTF-8', () => {
    fc.assert(
      fc.property(trickyBytes, (bytes) => {
        const key = keyFromBytes(bytes);
        let decoded: string | undefined;
        try {
          decoded = strict.decode(bytes);
        } catch {
          decoded = undefined;
        }
        if (decoded !== undefined && !RESERVED.test(decoded)) expect(key).toBe(decoded);
        else expect(RESERVED.test(key)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a key from inside a larger buffer', () => {
    const whole = Buffer.from([0x78, 0xff, 0x61, 0x78]);
    expect(keyFromBytes(whole.subarray(1, 3))).toBe(`${escaped(0xff)}a`);
  });

  it('writes reserved code points from elsewhere as their bytes (so such keys alias)', () => {
    expect(keyToBytes(escaped(0xc3, 0xa9))).toEqual(Buffer.from('é'));
    expect(keyToBytes('\u{10ff00}\u{10ff7f}')).toEqual(Buffer.from('\u{10ff00}\u{10ff7f}'));
    expect(keyToBytes(`\udbff${escaped(0x80)}\udbff`)).toEqual(
      Buffer.from([0xef, 0xbf, 0xbd, 0x80, 0xef, 0xbf, 0xbd]),
    );
  });
});
