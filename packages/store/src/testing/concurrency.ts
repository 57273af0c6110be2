import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Store } from '../contract.js';
import { findLinearization, type HistoryEntry } from './linearizability.js';
import {
  applyToModel,
  opArbitrary,
  runOp,
  type SuiteOp,
  type SuiteResult,
  snapshot,
} from './ops.js';
import type { ResolvedSuiteOptions } from './options.js';

// Few keys and values, so that concurrent operations collide (and races show) often.
const KEYS = ['k', ''] as const;
const VALUES = ['v0', ''] as const;
const CAS_VALUES = ['v0', 'v1', ''] as const;

/**
 * Runs `ops` concurrently: the scheduler decides when each operation is called and when its
 * completion is observed, so calls overlap in every order it generates. Returns the history.
 */
async function runConcurrently(
  s: fc.Scheduler,
  store: Store,
  ops: readonly SuiteOp[],
): Promise<HistoryEntry[]> {
  let clock = 0;
  const history: HistoryEntry[] = [];
  const runs = ops.map((op, i) =>
    s.schedule(Promise.resolve(), `call #${i} ${describeOp(op)}`).then(async () => {
      const start = clock++;
      const result: SuiteResult = await s.schedule(runOp(store, op), `observe #${i}`);
      history.push({ op, result, start, end: clock++ });
    }),
  );
  await s.waitFor(Promise.all(runs));
  return history;
}

function describeOp(op: SuiteOp): string {
  return JSON.stringify(op);
}

async function seed(store: Store, initial: ReadonlyMap<string, string>): Promise<void> {
  for (const [key, value] of initial) await runOp(store, { kind: 'set', key, value });
}

const initialState = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), {
    selector: ([key]) => key,
    maxLength: KEYS.length,
  })
  .map((pairs) => new Map(pairs));

/** Registers the concurrency properties, checked with `fc.scheduler` over every generated interleaving. */
export function concurrencyTests(o: ResolvedSuiteOptions): void {
  const runs = { numRuns: o.concurrencyRuns };

  describe('concurrency', () => {
    it('two putIfAbsent on one key: exactly one winner, whose value is stored', () =>
      fc.assert(
        fc.asyncProperty(fc.scheduler(), fc.boolean(), async (s, presentBefore) =>
          o.withStore(async (store) => {
            if (presentBefore) await store.set('k', Buffer.from('old'));
            const history = await runConcurrently(s, store, [
              { kind: 'putIfAbsent', key: 'k', value: 'A' },
              { kind: 'putIfAbsent', key: 'k', value: 'B' },
            ]);
            const winners = history.filter((h) => h.result === true);
            const stored = snapshot(store).get('k');
            if (presentBefore) {
              expect(winners).toHaveLength(0);
              expect(stored).toBe('old');
            } else {
              expect(winners).toHaveLength(1);
              const winner = winners[0]!.op;
              expect(stored).toBe(winner.kind === 'putIfAbsent' ? winner.value : '');
            }
          }),
        ),
        runs,
      ));

    it('compareAndSet behaves as a register with compare-and-set', () =>
      fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.option(fc.constantFrom(...CAS_VALUES), { nil: undefined }),
          fc.array(
            fc.record({
              kind: fc.constant('compareAndSet' as const),
              key: fc.constant('k'),
              expected: fc.option(fc.constantFrom(...CAS_VALUES), { nil: undefined, freq: 3 }),
              next: fc.option(fc.constantFrom(...CAS_VALUES), { nil: undefined, freq: 3 }),
            }),
            { minLength: 2, maxLength: 5 },
          ),
          async (s, start, ops) =>
            o.withStore(async (store) => {
              const initial = new Map(start === undefined ? [] : [['k', start] as const]);
              await seed(store, initial);
              const history = await runConcurrently(s, store, ops);
              const final = snapshot(store);
              // Successful swaps chain from the initial value to the final one, each used once.
              const chain = findLinearization(initial, history, final);
              expect(chain, 'no sequential order explains the results').toBeDefined();
            }),
        ),
        runs,
      ));

    it('the final state equals some sequential order of the completed operations', () =>
      fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          initialState,
          fc.array(opArbitrary(KEYS, VALUES, true), { minLength: 1, maxLength: 6 }),
          async (s, initial, ops) =>
            o.withStore(async (store) => {
              await seed(store, initial);
              const history = await runConcurrently(s, store, ops);
              const final = snapshot(store);
              expect(store.size).toBe(final.size);
              const order = findLinearization(initial, history, final);
              expect(order, 'no sequential order explains the results').toBeDefined();
            }),
        ),
        runs,
      ));

    it('the checker itself rejects an impossible history', () => {
      // Guards the property above against a checker that accepts everything.
      const op: SuiteOp = { kind: 'putIfAbsent', key: 'k', value: 'A' };
      const history: HistoryEntry[] = [
        { op, result: true, start: 0, end: 1 },
        { op: { ...op, value: 'B' }, result: true, start: 2, end: 3 },
      ];
      expect(findLinearization(new Map(), history, new Map([['k', 'B']]))).toBeUndefined();
      const model = new Map<string, string>();
      expect(applyToModel(model, op)).toBe(true);
      expect(findLinearization(new Map(), history.slice(0, 1), model)).toBeDefined();
    });
  });
}
