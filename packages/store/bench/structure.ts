/**
 * The measurement behind the ordered structure (issue 13): per candidate, memory per entry at
 * 1M entries (16-byte keys, 100-byte values stored as latin1 strings, as the stores keep them),
 * `set` latency growing to that size in random key order, `get` of random present keys, and
 * what a copy-on-write clone (a snapshot) costs the writes after it.
 *
 * `node --expose-gc --import tsx bench/structure.ts --only map|btree|map+btree [--entries N]`
 * (one candidate per process, so that heap deltas do not mix).
 */
import { Buffer } from 'node:buffer';
import { parseArgs } from 'node:util';
import { BTree } from '../src/btree.js';
import { compareSortable } from '../src/key-order.js';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    only: { type: 'string', default: 'map' },
    'node-size': { type: 'string', default: '32' },
  },
});
const entries = Number(args.entries);
const nodeSize = Number(args['node-size']);
const gc = (globalThis as { gc?: () => void }).gc!;

interface Candidate {
  set(key: string, value: string): void;
  get(key: string): string | undefined;
  clone?(): unknown;
}

function make(kind: string): Candidate {
  if (kind === 'map') {
    const map = new Map<string, string>();
    return { set: (k, v) => void map.set(k, v), get: (k) => map.get(k) };
  }
  const tree = new BTree<string, string>(undefined, compareSortable, nodeSize);
  if (kind === 'btree') {
    return {
      set: (k, v) => void tree.set(k, v),
      get: (k) => tree.get(k),
      clone: () => tree.clone(),
    };
  }
  const map = new Map<string, string>();
  return {
    set: (k, v) => {
      map.set(k, v);
      tree.set(k, v);
    },
    get: (k) => map.get(k),
    clone: () => tree.clone(),
  };
}

/** Index `i` scrambled, so inserts land all over the key space. */
const order = (i: number): number => Math.imul(i, 0x9e3779b1) >>> 0;
const key = (i: number): string => `key:${order(i).toString(16).padStart(12, '0')}`;
function value(i: number): string {
  const out = Buffer.alloc(100);
  for (let j = 0; j < 100; j++) out[j] = (i * 31 + j * 7) & 0xff;
  return out.toString('latin1');
}

function pct(samples: Float64Array, q: number): string {
  return `${(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! * 1000).toFixed(2)} µs`;
}

for (let i = 0; i < 4; i++) gc();
const before = process.memoryUsage().heapUsed;
const c = make(args.only);
const samples = new Float64Array(entries);
for (let i = 0; i < entries; i++) {
  const k = key(i);
  const v = value(i);
  const t0 = performance.now();
  c.set(k, v);
  samples[i] = performance.now() - t0;
}
for (let i = 0; i < 4; i++) gc();
const heap = (process.memoryUsage().heapUsed - before) / entries;
samples.sort();

const probes = 1_000_000;
const keys: string[] = [];
for (let i = 0; i < 1000; i++) keys.push(key((i * 7919) % entries));
let found = 0;
let t0 = performance.now();
for (let i = 0; i < probes; i++) if (c.get(keys[i % 1000]!) !== undefined) found++;
const hotNs = ((performance.now() - t0) * 1e6) / probes;
const cold: string[] = [];
for (let i = 0; i < probes; i++) cold.push(key((i * 104729) % entries));
t0 = performance.now();
for (let i = 0; i < probes; i++) if (c.get(cold[i]!) !== undefined) found++;
const coldNs = ((performance.now() - t0) * 1e6) / probes;

let cloneLine = '';
if (c.clone) {
  // Overwrite 100k random keys right after a clone taken every 1000 writes (an iterator per
  // 1000 writes), against the same without clones.
  const run = (every: number): string => {
    const s = new Float64Array(100_000);
    let held: unknown;
    for (let i = 0; i < s.length; i++) {
      if (every > 0 && i % every === 0) held = c.clone!();
      const k = key((i * 15485863) % entries);
      const t = performance.now();
      c.set(k, 'x');
      s[i] = performance.now() - t;
    }
    void held;
    s.sort();
    return `p50 ${pct(s, 0.5)} p99 ${pct(s, 0.99)} p99.9 ${pct(s, 0.999)}`;
  };
  cloneLine = `\noverwrite, no clone: ${run(0)}\noverwrite, a clone every 1000 writes: ${run(1000)}\noverwrite, a clone every 10 writes: ${run(10)}`;
}

console.log(
  `${args.only} (node size ${nodeSize}), ${entries} entries: heap ${heap.toFixed(0)} B/entry; set p50 ${pct(samples, 0.5)} p99 ${pct(samples, 0.99)} p99.9 ${pct(samples, 0.999)} max ${pct(samples, 1)}; get ${hotNs.toFixed(0)} ns (1000 hot keys) / ${coldNs.toFixed(0)} ns (random keys)${found > 0 ? '' : '!'}${cloneLine}`,
);
