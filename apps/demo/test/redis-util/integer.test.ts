import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addInt64,
  INT64_MAX,
  INT64_MIN,
  parseCount,
  parseInt64,
} from '../../src/redis-util/integer.js';

const text = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Strings Redis's string2ll refuses whatever their value (its own unit tests plus more). */
const MALFORMED = [
  '',
  '-',
  '-0',
  '-00',
  '+1',
  '+0',
  '01',
  '00',
  '-01',
  ' 1',
  '1 ',
  '1\r\n',
  '\t1',
  '1a',
  'a',
  '0x10',
  '1.0',
  '1e3',
  '--1',
  '1-',
  '１', // a full-width digit
  '1\x00',
];

describe('parseInt64', () => {
  it.each([
    ['0', 0n],
    ['1', 1n],
    ['-1', -1n],
    ['99', 99n],
    ['-99', -99n],
    ['9223372036854775807', INT64_MAX],
    ['9223372036854775806', INT64_MAX - 1n],
    ['-9223372036854775808', INT64_MIN],
    ['-9223372036854775807', INT64_MIN + 1n],
    ['9007199254740993', 2n ** 53n + 1n], // beyond doubles: exact
  ])('reads %j as %s', (s, value) => {
    expect(parseInt64(text(s))).toBe(value);
  });

  it.each([
    '9223372036854775808', // 2^63
    '-9223372036854775809', // -2^63 - 1
    '18446744073709551615', // 2^64 - 1, 20 characters
    '18446744073709551616', // 2^64: overflows unsigned too
    '99999999999999999999',
    '-99999999999999999999', // 21 characters
    '123456789012345678901',
    '000000000000000000001',
    ...MALFORMED,
  ])('refuses %j', (s) => {
    expect(parseInt64(text(s))).toBeUndefined();
  });

  it('reads a number from inside a larger buffer', () => {
    const whole = text('xx-42yy');
    expect(parseInt64(whole.subarray(2, 5))).toBe(-42n);
    expect(parseInt64(new Uint8Array(whole.buffer, whole.byteOffset + 2, 3))).toBe(-42n);
  });

  it('reads back every 64-bit integer written in decimal, and nothing else around it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (n) => {
        expect(parseInt64(text(String(n)))).toBe(n);
        expect(parseInt64(text(`${String(n)} `))).toBeUndefined();
        expect(parseInt64(text(`0${String(n)}`))).toBeUndefined();
        if (n >= 0n) expect(parseInt64(text(`+${String(n)}`))).toBeUndefined();
      }),
    );
  });

  it('refuses every integer outside 64 bits', () => {
    const outside = fc.oneof(
      fc.bigInt({ min: INT64_MAX + 1n, max: 10n ** 25n }),
      fc.bigInt({ min: -(10n ** 25n), max: INT64_MIN - 1n }),
    );
    fc.assert(
      fc.property(outside, (n) => {
        expect(parseInt64(text(String(n)))).toBeUndefined();
      }),
    );
  });

  it('accepts only what round-trips through String()', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'-+0123456789 '), maxLength: 22 }), (s) => {
        const value = parseInt64(text(s));
        if (value !== undefined) expect(String(value)).toBe(s);
      }),
    );
  });
});

describe('addInt64', () => {
  it.each([
    [1n, 2n, 3n],
    [INT64_MAX, 0n, INT64_MAX],
    [INT64_MAX - 1n, 1n, INT64_MAX],
    [INT64_MIN + 1n, -1n, INT64_MIN],
    [INT64_MAX, INT64_MIN, -1n],
    [INT64_MIN, INT64_MAX, -1n],
    [INT64_MAX, 1n, undefined],
    [INT64_MIN, -1n, undefined],
    [INT64_MAX, INT64_MAX, undefined],
    [INT64_MIN, INT64_MIN, undefined],
    [0n, INT64_MAX + 1n, undefined], // DECRBY x -9223372036854775808: Redis refuses it
    [-1n, -INT64_MIN, undefined],
    [INT64_MAX + 1n, -1n, undefined],
  ])('%s + %s is %s', (a, b, sum) => {
    expect(addInt64(a, b)).toBe(sum);
  });

  it('is the exact sum whenever it fits, and undefined otherwise', () => {
    const int64 = fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        const sum = a + b;
        const fits = sum >= INT64_MIN && sum <= INT64_MAX;
        expect(addInt64(a, b)).toBe(fits ? sum : undefined);
      }),
    );
  });
});

describe('parseCount', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['10', 10],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('reads %j as %d', (s, value) => {
    expect(parseCount(text(s))).toBe(value);
  });

  it.each([
    '-1',
    '-9007199254740991',
    '9007199254740992', // 2^53
    '9007199254740993',
    '9223372036854775807',
    '99999999999999999999',
    '123456789012345678901',
    ...MALFORMED,
  ])('refuses %j', (s) => {
    expect(parseCount(text(s))).toBeUndefined();
  });

  it('reads back every safe non-negative integer', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(parseCount(text(String(n)))).toBe(n);
        expect(parseCount(text(`-${String(n)}`))).toBeUndefined();
      }),
    );
  });
});
