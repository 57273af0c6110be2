import { LockedStore, ShardedStore, type Store } from '@hermes/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/http-error.js';
import { type ListRequest, listPage, parseListRequest } from '../src/list-keys.js';

/** UTF-8 byte order, the store's key order, computed independently of the store. */
function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Every key of `request` in listing order, by filtering and sorting the whole model. */
function modelListing(keys: readonly string[], request: ListRequest): string[] {
  const { prefix, gt, gte, lt, lte, reverse } = request.range;
  const inRange = keys.filter(
    (k) =>
      (prefix === undefined || k.startsWith(prefix)) &&
      (gt === undefined || utf8Order(k, gt) > 0) &&
      (gte === undefined || utf8Order(k, gte) >= 0) &&
      (lt === undefined || utf8Order(k, lt) < 0) &&
      (lte === undefined || utf8Order(k, lte) <= 0),
  );
  inRange.sort(utf8Order);
  return reverse === true ? inRange.reverse() : inRange;
}

async function storeWith(kind: 'locked' | 'sharded', keys: readonly string[]): Promise<Store> {
  const store = kind === 'locked' ? new LockedStore() : new ShardedStore({ shards: 4 });
  await Promise.all(keys.map((key) => store.set(key, new Uint8Array())));
  return store;
}

// Characters whose UTF-8 order differs from JavaScript's code-unit order are in the mix.
const keyChar = fc.constantFrom('a', 'b', 'c', '/', 'é', '\uffff', '😀', 'z');
const key = fc.array(keyChar, { maxLength: 4 }).map((chars) => chars.join(''));
const query = fc.record(
  {
    prefix: key,
    lower: fc.tuple(fc.constantFrom('start', 'gt', 'gte'), key),
    upper: fc.tuple(fc.constantFrom('end', 'lt', 'lte'), key),
    reverse: fc.constantFrom('true', 'false'),
    limit: fc.integer({ min: 1, max: 7 }).map(String),
  },
  { requiredKeys: ['limit'] },
);

/** The parameters of a generated query, as `parseQuery` hands them over. */
function queryMap(q: {
  [name: string]: string | readonly [string, string] | undefined;
}): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(q)) {
    if (typeof value === 'string') map.set(name, value);
    else if (value !== undefined) map.set(value[0], value[1]);
  }
  return map;
}

describe.each(['locked', 'sharded'] as const)('listPage over a %s store', (kind) => {
  it('pages through exactly the keys of the range, in key order, by following next', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(key, { maxLength: 40 }), query, async (keys, q) => {
        const store = await storeWith(kind, keys);
        const request = parseListRequest(queryMap(q));
        const expected = modelListing(keys, request);
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages <= keys.length + 1; pages++) {
          const page = listPage(store, { ...request, after });
          expect(page.keys.length).toBeLessThanOrEqual(request.limit);
          seen.push(...page.keys);
          if (page.next === null) break;
          expect(page.keys).toHaveLength(request.limit);
          expect(page.next).toBe(page.keys.at(-1));
          after = page.next;
        }
        expect(seen).toEqual(expected);
        await store.close();
      }),
    );
  });
});

it('keeps the range’s own bound when the cursor lies outside it', async () => {
  const store = await storeWith('locked', ['a', 'b', 'c', 'd', 'e']);
  const forward = parseListRequest(new Map([['gt', 'c']]));
  expect(listPage(store, { ...forward, after: 'a' }).keys).toEqual(['d', 'e']);
  const back = parseListRequest(
    new Map([
      ['lt', 'c'],
      ['reverse', 'true'],
    ]),
  );
  expect(listPage(store, { ...back, after: 'e' }).keys).toEqual(['b', 'a']);
  expect(listPage(store, { ...back, after: 'b' }).keys).toEqual(['a']);
});

it.each([
  [
    [
      ['start', 'a'],
      ['gt', 'b'],
    ],
    'Give one lower bound',
  ],
  [
    [
      ['lt', 'a'],
      ['lte', 'b'],
    ],
    'Give one upper bound',
  ],
  [[['reverse', 'yes']], 'reverse must be'],
  [[['limit', '0']], 'limit must be'],
  [[['limit', '1001']], 'limit must be'],
] as const)('refuses %j with BAD_QUERY', (pairs, message) => {
  const parse = () => parseListRequest(new Map(pairs.map(([k, v]) => [k, v] as [string, string])));
  expect(parse).toThrow(HttpError);
  expect(parse).toThrow(message);
});
