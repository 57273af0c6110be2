import { expect, it } from 'vitest';
import { HttpError } from '../src/http-error.js';
import { parseQuery } from '../src/query.js';

it('decodes names and values, "+" as a space', () => {
  const q = parseQuery('prefix=a+b%2Bc&limit=5&&after=', ['prefix', 'limit', 'after']);
  expect([...q]).toEqual([
    ['prefix', 'a b+c'],
    ['limit', '5'],
    ['after', ''],
  ]);
});

it.each([['nope=1'], ['prefix=1&prefix=2'], ['prefix=%E0']])('refuses %s with BAD_QUERY', (raw) => {
  expect(() => parseQuery(raw, ['prefix'])).toThrow(HttpError);
  try {
    parseQuery(raw, ['prefix']);
  } catch (error) {
    expect((error as HttpError).code).toBe('BAD_QUERY');
    expect((error as HttpError).status).toBe(400);
  }
});
