/**
 * Memory per entry: 1M entries of 16-byte keys and 100-byte values in a plain
 * `Map<string, Buffer>`, a `LockedStore` and a `ShardedStore`, in the same process.
 *
 * Run: `pnpm --filter @hermes/store bench:memory` (or
 * `node --expose-gc --import tsx bench/memory.ts [--entries N] [--value-bytes N]`).
 * Prints a Markdown table; heap is `heapUsed`, off-heap is `external` (which includes the
 * `ArrayBuffer` backing stores that hold Buffer bytes), both as deltas after a full GC. RSS
 * (which also counts malloc overhead) is only meaningful for one structure per process:
 * `--only map-buffer|map-uint8array|locked|sharded`. `--flat-keys` passes keys as flat strings.
 */
import { Buffer } from 'node:buffer';
import { parseArgs } from 'node:util';
import { LockedStore, ShardedStore } from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    'value-bytes': { type: 'string', default: '100' },
    only: { type: 'string' },
    'flat-keys': { type: 'boolean', default: false },
  },
});
const entries = Number(args.entries);
const valueBytes = Number(args['value-bytes']);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('Run with node --expose-gc (see the header of this file).');
  process.exit(1);
}

function fullGc(): void {
  for (let i = 0; i < 4; i++) gc!();
}

/**
 * A 16-character key, unique per index. A template literal this long is a V8 cons string (a
 * pair of pointers to its parts), larger than a flat string until something flattens it (a
 * comparison in the stores' ordered tree does); `--flat-keys` hands the stores flat strings, as
 * keys decoded from a request or a file are.
 */
function key(i: number): string {
  const k = `key:${i.toString().padStart(12, '0')}`;
  return args['flat-keys'] ? Buffer.from(k, 'latin1').toString('latin1') : k;
}

/** A fresh 100-byte value with pseudo-random content (a caller's buffer, dropped after the write). */
function value(i: number): Uint8Array {
  const out = new Uint8Array(valueBytes);
  let x = (i + 1) * 2654435761;
  for (let j = 0; j < out.length; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[j] = x & 0xff;
  }
  return out;
}

interface Measured {
  readonly name: string;
  readonly heap: number;
  readonly external: number;
  readonly rss: number;
  readonly ms: number;
}

async function measure(
  id: string,
  name: string,
  fill: () => Promise<unknown>,
): Promise<Measured | undefined> {
  if (args.only !== undefined && args.only !== id) return undefined;
  fullGc();
  const before = process.memoryUsage();
  const started = performance.now();
  const kept = await fill();
  const ms = performance.now() - started;
  fullGc();
  const after = process.memoryUsage();
  // Keep the structure alive across the measurement.
  if (kept === undefined) throw new Error('nothing kept');
  return {
    name,
    heap: (after.heapUsed - before.heapUsed) / entries,
    external: (after.external - before.external) / entries,
    rss: (after.rss - before.rss) / entries,
    ms,
  };
}

const results: (Measured | undefined)[] = [];
results.push(
  await measure('map-buffer', 'Map<string, Buffer> (Buffer.from(value), pooled)', async () => {
    const map = new Map<string, Buffer>();
    for (let i = 0; i < entries; i++) map.set(key(i), Buffer.from(value(i)));
    return map;
  }),
);
results.push(
  await measure('map-uint8array', 'Map<string, Uint8Array> (value.slice() per value)', async () => {
    const map = new Map<string, Uint8Array>();
    for (let i = 0; i < entries; i++) map.set(key(i), value(i).slice());
    return map;
  }),
);
results.push(
  await measure('locked', 'LockedStore', async () => {
    const store = new LockedStore();
    for (let i = 0; i < entries; i++) await store.set(key(i), value(i));
    return store;
  }),
);
results.push(
  await measure('sharded', 'ShardedStore (16 shards)', async () => {
    const store = new ShardedStore();
    for (let i = 0; i < entries; i++) await store.set(key(i), value(i));
    return store;
  }),
);

console.log(
  `${entries} entries, 16-byte keys, ${valueBytes}-byte values, Node ${process.version} (${process.arch})\n`,
);
console.log(
  '| structure | heap B/entry | off-heap B/entry | heap + off-heap B/entry | RSS B/entry | fill time |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  if (r === undefined) continue;
  const total = r.heap + r.external;
  const rss = args.only === undefined ? 'use --only' : r.rss.toFixed(0);
  console.log(
    `| ${r.name} | ${r.heap.toFixed(0)} | ${r.external.toFixed(0)} | ${total.toFixed(0)} | ${rss} | ${(r.ms / 1000).toFixed(2)} s |`,
  );
}
