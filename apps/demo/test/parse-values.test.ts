import { expect, it } from 'vitest';
import { ConfigError, parseBytes, parseInteger, parseSync } from '../src/parse-values.js';

it.each([
  ['always', 0, 'always'],
  ['everysec', 1000, 'everysec'],
  ['EverySec', 1000, 'everysec'],
  ['250ms', 250, '250ms'],
  ['2s', 2000, '2s'],
  ['0.5s', 500, '500ms'],
  ['1m', 60_000, '1m'],
  ['1h', 3_600_000, '1h'],
])('--sync %s is %d ms', (raw, ms, label) => {
  expect(parseSync(raw)).toEqual({ ms, label });
});

it.each([['sometimes'], ['-5ms'], ['10'], ['2h'], ['3601s']])('--sync %s is refused', (raw) => {
  expect(() => parseSync(raw)).toThrow(ConfigError);
});

it('refuses a zero period, saying to use always, and names the variable when it came from one', () => {
  expect(() => parseSync('0ms')).toThrow(/--sync "0ms" is a zero period: say "always"/);
  expect(() => parseSync('soon', 'HERMES_SYNC')).toThrow(/^HERMES_SYNC "soon" is not a policy/);
});

it.each([
  ['1', 1],
  ['4096', 4096],
  ['16MiB', 16 * 1024 * 1024],
  ['2 kib', 2048],
  ['1g', 1024 ** 3],
  ['1MB', 1_000_000],
  ['1.5MiB', 1.5 * 1024 ** 2],
])('size %s is %d bytes', (raw, bytes) => {
  expect(parseBytes(raw, '--x')).toBe(bytes);
});

it.each([['0'], ['-1'], ['1.5'], ['12 parsecs'], ['']])('size %j is refused', (raw) => {
  expect(() => parseBytes(raw, '--x')).toThrow(/--x/);
});

it('bounds integers', () => {
  expect(parseInteger('0', '--port', 0, 65535)).toBe(0);
  expect(() => parseInteger('65536', '--port', 0, 65535)).toThrow(/from 0 to 65535/);
  expect(() => parseInteger('8080x', '--port', 0, 65535)).toThrow(ConfigError);
});
