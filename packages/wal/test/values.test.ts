import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMs, parseDuration, parseSize } from '../src/values.js';

describe('parseSize', () => {
  it.each([
    ['4096', 4096],
    ['16MiB', 16 * 1024 ** 2],
    ['16mib', 16 * 1024 ** 2],
    ['16 MiB', 16 * 1024 ** 2],
    ['1MB', 1_000_000],
    ['1KB', 1000],
    ['2K', 2048],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['10B', 10],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text, '--x')).toBe(bytes);
  });

  it.each(['', 'abc', '-1', '1.5', '1.0000001KiB', '16 TiB', '0', '16MiBs'])(
    'refuses %j naming the flag and the units it takes',
    (text) => {
      expect(() => parseSize(text, 'HERMES_X')).toThrowError(
        expect.objectContaining({
          code: 'INVALID_VALUE',
          message: expect.stringMatching(
            /^HERMES_X ".*" is not a size: .*KiB, MiB, GiB.*e\.g\. 16MiB/,
          ),
        }),
      );
    },
  );
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['2s', 2000],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['0.5s', 500],
    ['1H', 3_600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--sync')).toBe(ms);
  });

  it.each(['0ms', '0s', '2h', '100', 'soon', '-1s', '1d'])(
    'refuses %j with the range it takes',
    (text) => {
      expect(() => parseDuration(text, '--sync')).toThrowError(
        /^--sync ".*" is not a duration from 1ms to 1h: /,
      );
    },
  );

  it('reads back what formatMs writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_600_000 }), (ms) => {
        expect(parseDuration(formatMs(ms), 'x')).toBe(ms);
      }),
    );
  });
});
