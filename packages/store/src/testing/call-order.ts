import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Store } from '../contract.js';
import {
  applyToModel,
  opArbitrary,
  runOp,
  type SuiteOp,
  type SuiteResult,
  snapshot,
} from './ops.js';
import type { ResolvedSuiteOptions } from './options.js';

// Few keys, so writes collide; in a sharded store they still fall on several shards.
const KEYS = ['a', 'b', 'c', 'd', 'e'] as const;
const VALUES = ['v0', 'v1', ''] as const;

/** A step of one client: a write of the suite, or a compaction (for stores that have one). */
type Step = SuiteOp | { readonly kind: 'compact' };

/** Calls `step` without awaiting it; resolves what the model must match (`undefined` for compact). */
function call(store: Store, step: Step, o: ResolvedSuiteOptions): Promise<SuiteResult> {
  if (step.kind !== 'compact') return runOp(store, step);
  // A compaction changes no state; one stopped by a clear() or close() is not a failure here.
  return Promise.resolve(o.compact?.(store)).then(
    () => undefined,
    (error: { code?: unknown }) => {
      if (error?.code !== 'DURABLE_COMPACTION_ABORTED') throw error;
      return undefined;
    },
  );
}

/**
 * Registers the call-order property: several clients issue writes of every kind without
 * awaiting them, interleaved by fast-check's scheduler; every write's answer and the final state
 * (and, for a durable store, the state after a reopen) equal a sequential model applied in the
 * order the writes were called.
 */
export function callOrderTests(o: ResolvedSuiteOptions): void {
  const step: fc.Arbitrary<Step> = o.compact
    ? fc.oneof(
        { arbitrary: opArbitrary(KEYS, VALUES, true), weight: 9 },
        { arbitrary: fc.constant({ kind: 'compact' as const }), weight: 1 },
      )
    : opArbitrary(KEYS, VALUES, true);

  describe('call order', () => {
    it('writes issued without awaiting apply in call order, whatever their kind', () =>
      fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(fc.array(step, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
          async (s, clients) =>
            o.withStore(async (store) => {
              const model = new Map<string, string>();
              const calls: { step: Step; expected: SuiteResult; result: Promise<SuiteResult> }[] =
                [];
              const issue = (step: Step): void => {
                const expected = step.kind === 'compact' ? undefined : applyToModel(model, step);
                const result = call(store, step, o);
                // Observed later; a rejection is reported by the check below, not as unhandled.
                result.catch(() => {});
                calls.push({ step, expected, result });
              };
              // Each client calls its steps in order, never awaiting a write; the scheduler
              // decides which client calls next, so calls interleave with completions.
              const runs = clients.map(async (steps, c) => {
                for (let i = 0; i < steps.length; i++) {
                  await s.schedule(
                    Promise.resolve(),
                    `client ${c} calls ${JSON.stringify(steps[i])}`,
                  );
                  issue(steps[i]!);
                }
              });
              await s.waitFor(Promise.all(runs));
              for (let i = 0; i < calls.length; i++) {
                const { step, expected, result } = calls[i]!;
                expect(await result, `call #${i} ${JSON.stringify(step)}`).toBe(expected);
              }
              expect(snapshot(store)).toEqual(model);
              if (o.reopen) {
                const again = await o.reopen(store);
                try {
                  expect(snapshot(again)).toEqual(model);
                } finally {
                  await again.close();
                }
              }
            }),
        ),
        { numRuns: o.concurrencyRuns },
      ));
  });
}
