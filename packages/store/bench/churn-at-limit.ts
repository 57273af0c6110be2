/**
 * By hand, not in CI (about 2 GB of heap): fills a `LockedStore` to its limit
 * (`MAX_KEYS_PER_SHARD`), checks that one more key rejects `STORE_FULL`, then churns (delete one
 * key, add another) long enough that V8's `Map` runs out of deleted-slot room and refuses to grow,
 * which the store must absorb by compacting the map, never failing a write.
 *
 * `node --max-old-space-size=8000 --import tsx bench/churn-at-limit.ts [--churn 2000000]`
 */
import { parseArgs } from 'node:util';
import { LockedStore, MAX_KEYS_PER_SHARD } from '../src/index.js';

const { values: args } = parseArgs({ options: { churn: { type: 'string', default: '2000000' } } });
const churn = Number(args.churn);
const store = new LockedStore();
const value = new Uint8Array([1]);
const started = performance.now();
for (let i = 0; i < MAX_KEYS_PER_SHARD; i++) await store.set(`k${i}`, value);
console.log(`filled ${store.size} keys in ${((performance.now() - started) / 1000).toFixed(1)} s`);
try {
  await store.set('one-too-many', value);
  console.log('FAIL: a key past the limit was accepted');
  process.exitCode = 1;
} catch (error) {
  console.log(`past the limit: ${(error as { code?: string }).code}`);
}
let slowest = 0;
for (let i = 0; i < churn; i++) {
  const t0 = performance.now();
  await store.delete(`k${i}`);
  await store.set(`n${i}`, value);
  slowest = Math.max(slowest, performance.now() - t0);
}
const ok = store.size === MAX_KEYS_PER_SHARD && store.has(`n${churn - 1}`) && !store.has('k0');
console.log(
  `churned ${churn} delete+set pairs at the limit: size ${store.size}, slowest pair ${slowest.toFixed(0)} ms (a compaction), ${ok ? 'OK' : 'FAIL'}`,
);
if (!ok) process.exitCode = 1;
