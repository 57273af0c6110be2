/**
 * Child process of the store rows, run with `--expose-gc`:
 * `memory <map|locked|sharded> <entries>` fills a fresh store with `entries` 16-byte keys and
 * 100 B values, and prints JSON: heap, off-heap (Buffer) and RSS bytes per entry, after full GCs.
 * `grow <locked|sharded> <entries>` times every `set` while growing to `entries` keys and
 * prints the p50/p99/p99.9 latency in ms.
 */
import { performance } from 'node:perf_hooks';
import { LockedStore, ShardedStore, type Store } from '@hermes/store';
import { keyOf, valuePool } from '../core/data.js';
import { LatencyRecorder } from '../core/latency.js';

const [mode, kind, entriesArg] = process.argv.slice(2);
const entries = Number(entriesArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
if (!Number.isInteger(entries) || entries <= 0) throw new Error(`bad entry count ${entriesArg}`);

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage();
}

function makeStore(): Store {
  if (kind === 'locked') return new LockedStore();
  if (kind === 'sharded') return new ShardedStore();
  throw new Error(`unknown store ${kind}`);
}

const values = valuePool(100);

if (mode === 'memory') {
  const before = settle();
  const t0 = performance.now();
  let held: unknown;
  if (kind === 'map') {
    const map = new Map<string, Buffer>();
    for (let i = 0; i < entries; i++) map.set(keyOf(i), Buffer.from(values[i & 63]!));
    held = map;
  } else {
    const store = makeStore();
    for (let i = 0; i < entries; i++) await store.set(keyOf(i), values[i & 63]!);
    if (store.size !== entries) throw new Error(`store holds ${store.size} keys`);
    held = store;
  }
  const fillMs = performance.now() - t0;
  const after = settle();
  const heap = (after.heapUsed - before.heapUsed) / entries;
  const external = (after.external - before.external) / entries;
  process.stdout.write(
    `${JSON.stringify({ heap, external, total: heap + external, rss: (after.rss - before.rss) / entries, fillMs, kept: held !== undefined })}\n`,
  );
} else if (mode === 'grow') {
  const store = makeStore();
  const lat = new LatencyRecorder();
  let max = 0;
  const t0 = performance.now();
  for (let i = 0; i < entries; i++) {
    const s = performance.now();
    await store.set(keyOf(i), values[i & 63]!);
    const ms = performance.now() - s;
    lat.add(ms);
    if (ms > max) max = ms;
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = settle();
  process.stdout.write(
    `${JSON.stringify({ ...lat.percentiles(), max, seconds, size: store.size, bytesPerEntry: (after.heapUsed + after.external) / entries })}\n`,
  );
} else {
  throw new Error(`unknown mode ${mode}`);
}
