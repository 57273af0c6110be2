import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/http-error.js';
import { decodeKey, splitUrl } from '../src/keys.js';

const limits = { maxKeyBytes: 16 };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return `${error.status} ${error.code}`;
    throw error;
  }
  return undefined;
}

describe('decodeKey', () => {
  it.each([
    ['a%2Fb', 'a/b'],
    ['a/b', 'a/b'],
    ['100%25', '100%'],
    ['a%20b', 'a b'],
    ['a+b', 'a+b'],
    ['%F0%9F%99%82', '🙂'],
    ['%D0%BA', 'к'],
    ['', ''],
  ])('decodes %s to %j', (encoded, key) => {
    expect(decodeKey(encoded, limits)).toBe(key);
  });

  it.each([
    ['%', '400 BAD_KEY'],
    ['%zz', '400 BAD_KEY'],
    ['%C3', '400 BAD_KEY'],
    ['%ED%A0%80', '400 BAD_KEY'],
    ['a b', '400 BAD_KEY'],
    ['é', '400 BAD_KEY'],
    ['a\tb', '400 BAD_KEY'],
    ['x'.repeat(17), '400 KEY_TOO_LARGE'],
    ['%C3%A9'.repeat(9), '400 KEY_TOO_LARGE'],
  ])('refuses %j with %s', (encoded, expected) => {
    expect(codeOf(() => decodeKey(encoded, limits))).toBe(expected);
  });

  it('counts the limit in UTF-8 bytes, inclusive', () => {
    expect(decodeKey('%C3%A9'.repeat(8), limits)).toBe('é'.repeat(8));
    expect(decodeKey('x'.repeat(16), limits)).toBe('x'.repeat(16));
  });
});

describe('splitUrl', () => {
  it('splits at the first "?" only', () => {
    expect(splitUrl('/kv/a?b=c?d')).toEqual({ path: '/kv/a', query: 'b=c?d' });
    expect(splitUrl('/kv/a')).toEqual({ path: '/kv/a', query: '' });
  });
});
