/**
 * Scale and latency while growing (by hand, not in CI; needs several GB of heap).
 *
 * `node --expose-gc --max-old-space-size=12000 --import tsx bench/scale.ts --store sharded --keys 20000000`
 *
 * Grows one store (`locked`, `sharded` or a plain `map`) to `--keys` keys with `--value-bytes`
 * values, timing every `set`, and prints p50/p99/p99.9/max latency and the heap used. A plain
 * `Map` stops at 2^24 entries; a `LockedStore` rejects `STORE_FULL` at 15,728,640.
 */
import { parseArgs } from 'node:util';
import { LockedStore, ShardedStore, type Store } from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'sharded' },
    keys: { type: 'string', default: '20000000' },
    'value-bytes': { type: 'string', default: '8' },
    shards: { type: 'string', default: '16' },
  },
});
const keys = Number(args.keys);
const value = new Uint8Array(Number(args['value-bytes'])).fill(7);

interface Sink {
  set(key: string, value: Uint8Array): Promise<void> | void;
  readonly size: number;
}

function plainMap(): Sink {
  const map = new Map<string, Uint8Array>();
  return {
    set: (key, v) => {
      map.set(key, v.slice());
    },
    get size() {
      return map.size;
    },
  };
}

const sink: Sink | Store =
  args.store === 'map'
    ? plainMap()
    : args.store === 'locked'
      ? new LockedStore()
      : new ShardedStore({ shards: Number(args.shards) });

const samples = new Float64Array(keys);
let stored = 0;
let failure: unknown;
const started = performance.now();
try {
  for (let i = 0; i < keys; i++) {
    const key = `k${i}`;
    const t0 = performance.now();
    const pending = sink.set(key, value);
    if (pending !== undefined) await pending;
    samples[i] = performance.now() - t0;
    stored++;
  }
} catch (error) {
  failure = error;
}
const seconds = (performance.now() - started) / 1000;
const sorted = samples.subarray(0, stored).sort();
const at = (q: number): string =>
  `${((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 1000).toFixed(1)} µs`;
const heapGb = process.memoryUsage().heapUsed / 2 ** 30;

console.log(
  `store=${args.store} target=${keys} value=${value.byteLength} B, Node ${process.version}`,
);
console.log(
  `stored ${stored} keys (size ${sink.size}) in ${seconds.toFixed(1)} s, heap ${heapGb.toFixed(2)} GiB`,
);
console.log(`set latency: p50 ${at(0.5)}, p99 ${at(0.99)}, p99.9 ${at(0.999)}, max ${at(1)}`);
if (failure !== undefined) {
  const { code, message } = failure as { code?: string; message?: string };
  console.log(`stopped by: ${code ?? ''} ${message ?? String(failure)}`);
}
