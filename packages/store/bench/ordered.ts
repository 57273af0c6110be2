/**
 * What ordered reads and snapshots cost at 1M entries (16-byte keys, 100-byte values): `get`,
 * a 100-key range read from a random start, a full ordered scan, taking a snapshot, the memory a
 * snapshot holds while every key is overwritten, and overwrite latency with a snapshot open.
 *
 * `node --expose-gc --import tsx bench/ordered.ts --store locked|sharded [--entries N]`
 */
import { parseArgs } from 'node:util';
import { LockedStore, ShardedStore } from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'sharded' },
    entries: { type: 'string', default: '1000000' },
  },
});
const entries = Number(args.entries);
const gc = (globalThis as { gc?: () => void }).gc!;
const fullGc = (): void => {
  for (let i = 0; i < 4; i++) gc();
};
const key = (i: number): string => `key:${i.toString().padStart(12, '0')}`;
const value = new Uint8Array(100).fill(7);
const store = args.store === 'locked' ? new LockedStore() : new ShardedStore();

for (let i = 0; i < entries; i += 1000) {
  const ops = [];
  for (let j = i; j < Math.min(entries, i + 1000); j++) {
    ops.push({ type: 'set' as const, key: key(j), value });
  }
  await store.batch(ops);
}
const random = (n: number): number[] =>
  Array.from({ length: n }, () => Math.floor(Math.random() * entries));

function rate(label: string, n: number, run: () => void, unit = 'op'): void {
  const t0 = performance.now();
  run();
  const ms = performance.now() - t0;
  console.log(
    `${label}: ${((n / ms) * 1000).toFixed(0)} ${unit}/s (${((ms * 1e6) / n).toFixed(0)} ns/${unit})`,
  );
}

const probes = random(1_000_000).map(key);
let sink = 0;
rate('get (random keys)', probes.length, () => {
  for (const k of probes) sink += store.get(k)!.length;
});
const starts = random(20_000).map(key);
rate('range of 100 keys+values from a random start', starts.length, () => {
  for (const start of starts)
    for (const [, v] of store.entries({ gte: start, limit: 100 })) sink += v.length;
});
rate('range of 100 keys from a random start, reverse', starts.length, () => {
  for (const start of starts)
    for (const k of store.keys({ lte: start, limit: 100, reverse: true })) sink += k.length;
});
rate(
  'full ordered scan (keys)',
  entries,
  () => {
    for (const k of store.keys()) sink += k.length;
  },
  'key',
);
rate('snapshot() + close()', 100_000, () => {
  for (let i = 0; i < 100_000; i++) store.snapshot().close();
});

async function overwriteAll(): Promise<Float64Array> {
  const samples = new Float64Array(entries);
  const order = random(entries);
  for (let i = 0; i < entries; i++) {
    const t0 = performance.now();
    await store.set(key(order[i]!), value);
    samples[i] = performance.now() - t0;
  }
  return samples.sort();
}
const pct = (s: Float64Array, q: number): string =>
  `${(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 1000).toFixed(1)} µs`;
const line = (s: Float64Array): string =>
  `p50 ${pct(s, 0.5)}, p99 ${pct(s, 0.99)}, p99.9 ${pct(s, 0.999)}`;

fullGc();
let base = process.memoryUsage().heapUsed;
const free = await overwriteAll();
fullGc();
const freeGrowth = (process.memoryUsage().heapUsed - base) / entries;
base = process.memoryUsage().heapUsed;
const snapshot = store.snapshot();
const held = await overwriteAll();
fullGc();
const heldBytes = (process.memoryUsage().heapUsed - base) / entries;
if (snapshot.size !== entries) throw new Error('snapshot changed');
snapshot.close();
console.log(
  `overwrite every key in random order, no reader: ${line(free)} (heap ${freeGrowth.toFixed(0)} B/entry)`,
);
console.log(
  `overwrite every key in random order, a snapshot open: ${line(held)} (the snapshot holds ${heldBytes.toFixed(0)} B/entry)`,
);
console.log(`${args.store}, ${entries} entries, Node ${process.version}${sink > 0 ? '' : '!'}`);
