import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseLength } from '../../src/resp/parse-length.js';

const parse = (s: string): number => {
  const bytes = Buffer.from(`#${s}#`, 'latin1');
  return parseLength(bytes, 1, bytes.length - 1);
};

it('reads integers as Redis string2ll does', () => {
  expect(parse('0')).toBe(0);
  expect(parse('7')).toBe(7);
  expect(parse('-1')).toBe(-1);
  expect(parse('1048576')).toBe(1048576);
  expect(parse('99999999999999999999')).toBeGreaterThan(2 ** 53);
});

it('refuses what string2ll refuses', () => {
  for (const s of [
    '',
    '-',
    '-0',
    '+1',
    '01',
    '00',
    ' 1',
    '1 ',
    '1a',
    'a',
    '1.0',
    '1e3',
    '123456789012345678901',
  ]) {
    expect(parse(s), JSON.stringify(s)).toBeNaN();
  }
});

it('reads every safe integer written in decimal', () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (n) => {
      expect(parse(String(n))).toBe(n);
    }),
  );
});
