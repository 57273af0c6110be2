import { describe } from 'vitest';
import { callOrderTests } from './call-order.js';
import { clearTests } from './clears.js';
import { concurrencyTests } from './concurrency.js';
import { iterationTests } from './iteration.js';
import { keyLimitTests } from './key-limit.js';
import { lifecycleTests } from './lifecycle.js';
import { modelTests } from './model.js';
import { operationTests } from './operations.js';
import { resolveOptions, type StoreFactory, type StoreSuiteOptions } from './options.js';
import { expectScan, rangeTests } from './ranges.js';
import { snapshotTests } from './snapshots.js';

export { bytes, show } from './bytes.js';
export { findLinearization, type HistoryEntry } from './linearizability.js';
export { edgeKeys } from './operations.js';
export {
  applyToModel,
  opArbitrary,
  runOp,
  type SuiteOp,
  type SuiteResult,
  snapshot,
} from './ops.js';
export type { ResolvedSuiteOptions, StoreFactory, StoreSuiteOptions } from './options.js';
export { ORDER_KEYS, scanOptionsArbitrary, selectKeys, utf8Order } from './order.js';
export { shardOfKey } from './shards.js';
export { expectScan };

/**
 * Registers the Hermes store conformance suite as vitest `describe`/`it` blocks: every
 * operation, edge keys, key length (against `maxKeyBytes` for a store that caps keys), empty values, batches, iteration, ranges, ranged clears (against a
 * sorted model), aliasing, closed-store errors,
 * concurrency properties under `fc.scheduler` (writes issued without awaiting apply in call order), and a model-based test against a `Map`.
 *
 * Uses only the `Store` contract; every store it gets from `factory` is closed (and passed
 * to `options.dispose`) by the test that opened it. Call it at the top level of a test file.
 *
 * @example
 * storeSuite('LockedStore', () => new LockedStore());
 */
export function storeSuite(name: string, factory: StoreFactory, options?: StoreSuiteOptions): void {
  const resolved = resolveOptions(factory, options);
  describe(`store conformance: ${name}`, () => {
    operationTests(resolved);
    keyLimitTests(resolved);
    iterationTests(resolved);
    rangeTests(resolved);
    clearTests(resolved);
    snapshotTests(resolved);
    lifecycleTests(resolved);
    concurrencyTests(resolved);
    callOrderTests(resolved);
    modelTests(resolved);
  });
}
