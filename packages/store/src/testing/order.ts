import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type { ScanOptions } from '../contract.js';

/**
 * Keys whose UTF-8 order differs from JavaScript's `<` and that share prefixes: ASCII, NUL,
 * two- and three-byte characters, U+E000..U+FFFF and characters above U+FFFF (surrogate pairs).
 */
export const ORDER_KEYS: readonly string[] = [
  '',
  '\0',
  'a',
  'a\0',
  'aa',
  'ab',
  'a/',
  'a/b',
  'b',
  'é',
  'ключ',
  '\ud7ff',
  '\ue000',
  '\uffff',
  '\uffffa',
  '🔑',
  '🔑a',
  '\u{10ffff}',
  '\u{10ffff}\u{10ffff}',
];

/** The key order of the contract, computed the slow, obvious way: `Buffer.compare` of UTF-8 bytes. */
export function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The keys of `keys` that `options` selects, in the order a store must yield them. */
export function selectKeys(keys: Iterable<string>, options: ScanOptions = {}): string[] {
  const inside = (k: string): boolean =>
    (options.gt === undefined || utf8Order(k, options.gt) > 0) &&
    (options.gte === undefined || utf8Order(k, options.gte) >= 0) &&
    (options.lt === undefined || utf8Order(k, options.lt) < 0) &&
    (options.lte === undefined || utf8Order(k, options.lte) <= 0) &&
    (options.prefix === undefined || k.startsWith(options.prefix));
  const out = [...keys].filter(inside).sort(utf8Order);
  if (options.reverse === true) out.reverse();
  return options.limit === undefined ? out : out.slice(0, options.limit);
}

/** Random valid {@link ScanOptions} over bounds drawn from `bounds` (present in the store or not). */
export function scanOptionsArbitrary(bounds: readonly string[]): fc.Arbitrary<ScanOptions> {
  const bound = fc.constantFrom(...bounds);
  return fc
    .record({
      lower: fc.option(fc.tuple(fc.constantFrom('gt', 'gte'), bound), { nil: undefined }),
      upper: fc.option(fc.tuple(fc.constantFrom('lt', 'lte'), bound), { nil: undefined }),
      prefix: fc.option(fc.constantFrom('', 'a', 'a/', '\uffff', '🔑', '\u{10ffff}', 'z'), {
        nil: undefined,
      }),
      reverse: fc.option(fc.boolean(), { nil: undefined }),
      limit: fc.option(fc.oneof(fc.nat(6), fc.constant(Number.POSITIVE_INFINITY)), {
        nil: undefined,
      }),
    })
    .map(({ lower, upper, prefix, reverse, limit }) => {
      const options: Record<string, unknown> = {};
      if (lower !== undefined) options[lower[0]] = lower[1];
      if (upper !== undefined) options[upper[0]] = upper[1];
      if (prefix !== undefined) options['prefix'] = prefix;
      if (reverse !== undefined) options['reverse'] = reverse;
      if (limit !== undefined) options['limit'] = limit;
      return options as ScanOptions;
    });
}
