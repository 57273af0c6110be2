import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { homeSlot, KeyTable } from '../src/key-table.js';

type Op = { type: 'set'; key: string; value: number } | { type: 'delete'; key: string };

/** Keys from a tiny alphabet, so runs collide, wrap the table's end and get shifted back. */
const key = fc.string({
  unit: fc.constantFrom('a', 'b', 'c', '\u00e9', '\u{1F511}'),
  maxLength: 3,
});
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ type: fc.constant('delete' as const), key }),
);

/** Asserts that `table` holds exactly what `model` holds. */
function expectSame(table: KeyTable<number>, model: Map<string, number>, keys: readonly string[]) {
  expect(table.size).toBe(model.size);
  for (const k of keys) {
    expect(table.get(k)).toBe(model.get(k));
    expect(table.has(k)).toBe(model.has(k));
  }
}

describe('KeyTable', () => {
  it('behaves as a Map under any sequence of sets and deletes (model-based)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const table = new KeyTable<number>();
        const model = new Map<string, number>();
        const seen: string[] = [];
        for (const o of ops) {
          seen.push(o.key);
          if (o.type === 'set') {
            table.set(o.key, o.value);
            model.set(o.key, o.value);
          } else expect(table.delete(o.key)).toBe(model.delete(o.key));
          expectSame(table, model, seen);
        }
      }),
    );
  });

  it('keeps every key findable when a removal shifts entries back across the end of the table', () => {
    // Never more than 12 keys at once: the table stays at 16 slots, so runs often wrap from its
    // end to its start; 64 candidate keys give many different arrangements of home slots.
    const pool = fc.constantFrom(...Array.from({ length: 64 }, (_, i) => `key-${i}`));
    fc.assert(
      fc.property(fc.array(fc.tuple(pool, fc.boolean()), { maxLength: 200 }), (ops) => {
        const table = new KeyTable<number>();
        const model = new Map<string, number>();
        const seen: string[] = [];
        for (const [k, set] of ops) {
          seen.push(k);
          if (set && !model.has(k) && model.size >= 12) {
            const first = model.keys().next().value!;
            expect(table.delete(first)).toBe(true);
            model.delete(first);
          }
          if (set) {
            table.set(k, seen.length);
            model.set(k, seen.length);
          } else expect(table.delete(k)).toBe(model.delete(k));
          expectSame(table, model, seen);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves in place an entry that wrapped past the end when the gap is before its home', () => {
    // In a table of 16 slots: `a` at slot 14; `b` and `c` both at home 15, so `c` wraps to slot 0.
    // Removing `a` must not move `c` to slot 14, before its home, where no probe would find it.
    const candidates = Array.from({ length: 10_000 }, (_, i) => `k${i}`);
    const a = candidates.find((k) => homeSlot(k, 16) === 14)!;
    const [b, c] = candidates.filter((k) => homeSlot(k, 16) === 15);
    const table = new KeyTable<string>();
    for (const k of [a, b!, c!]) table.set(k, k);
    expect(table.delete(a)).toBe(true);
    expect(table.get(b!)).toBe(b);
    expect(table.get(c!)).toBe(c);
  });

  it('grows past three quarters full and shrinks under an eighth, keeping every key', () => {
    const table = new KeyTable<number>();
    const model = new Map<string, number>();
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}`);
    keys.forEach((k, i) => {
      table.set(k, i);
      model.set(k, i);
    });
    expectSame(table, model, keys);
    // Delete all but every 97th key: the table halves many times on the way down.
    keys.forEach((k, i) => {
      if (i % 97 !== 0) {
        expect(table.delete(k)).toBe(true);
        model.delete(k);
      }
    });
    expectSame(table, model, keys);
    expect(table.delete('k1')).toBe(false);
  });

  it('replaces the value of a key already there without growing', () => {
    const table = new KeyTable<string>();
    table.set('a', 'one');
    table.set('a', 'two');
    expect(table.size).toBe(1);
    expect(table.get('a')).toBe('two');
  });

  it('tells apart keys that are equal strings from different sources', () => {
    const table = new KeyTable<number>();
    table.set(['k', 'e', 'y'].join(''), 1);
    expect(table.get(`k${'ey'}`)).toBe(1);
    expect(table.get('key ')).toBeUndefined();
  });

  it('is empty and usable again after clear', () => {
    const table = new KeyTable<number>();
    for (let i = 0; i < 100; i++) table.set(`k${i}`, i);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get('k5')).toBeUndefined();
    table.set('k5', 5);
    expect(table.get('k5')).toBe(5);
  });
});
