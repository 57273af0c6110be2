// Where a durable write's time goes, layer by layer (issue 27, "measure first"): at 1, 16 and 256
// callers, under SyncEveryWrite and SyncEverySecond, the CPU per op and the GC time per op of
//   memory set   ShardedStore.set alone (its lock and apply, no log)
//   wal append   the log alone
//   floor        log + the store's key lock + apply, no validation, no copy (harness.floorOp)
//   durable set  DurableStore.set, what users call
// Rounds interleave the sides (so load from other processes hits all alike); medians printed as a
// Markdown table, the one in this package's README.
// Run (from the repository root):
//   node --import tsx packages/wal-store/bench/layers.ts [seconds-per-round] [rounds]
// It measures the built packages (run `pnpm run typecheck` first): from the sources, tsx adds a helper
// call to every function, which changes the figures.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { ShardedStore } from '@hermes/store';
import { openWal, SyncEverySecond, SyncEveryWrite } from '@hermes/wal';
import { openDurableStore } from '@hermes/wal-store';
import { drive, floorOp, keyOf, values } from './harness.js';

const seconds = Number(process.argv[2] ?? 1);
const rounds = Number(process.argv[3] ?? 3);
const CALLERS = [1, 16, 256] as const;
const POLICIES = [
  ['SyncEveryWrite', SyncEveryWrite],
  ['SyncEverySecond', SyncEverySecond],
] as const;

/** Milliseconds spent in GC since the observer started (V8's gc performance entries). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

interface Layer {
  readonly name: string;
  readonly op: (i: number) => Promise<unknown>;
  readonly close: () => Promise<void>;
}

async function layers(sync: number): Promise<{ layers: Layer[]; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'wal-store-layers-'));
  const memory = new ShardedStore();
  const { wal } = await openWal({ dir: join(dir, 'wal'), sync });
  const floor = await openWal({ dir: join(dir, 'floor'), sync });
  const floorStore = new ShardedStore();
  const db = await openDurableStore({
    dir: join(dir, 'durable'),
    store: new ShardedStore(),
    sync,
    compaction: false,
  });
  return {
    dir,
    layers: [
      {
        name: 'memory set',
        op: (i) => memory.set(keyOf(i), values[i & 63]!),
        close: () => memory.close(),
      },
      {
        name: 'wal append',
        op: (i) => wal.append({ type: 'set', key: keyOf(i), value: values[i & 63]! }),
        close: () => wal.close(),
      },
      { name: 'floor', op: floorOp(floor.wal, floorStore), close: () => floor.wal.close() },
      {
        name: 'durable set',
        op: (i) => db.set(keyOf(i), values[i & 63]!),
        close: () => db.close(),
      },
    ],
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lines: string[] = [
  '| policy | callers | layer | ops/s | CPU µs/op | GC µs/op | durable ÷ this (ops/s) |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
];
for (const [policyName, sync] of POLICIES) {
  for (const callers of CALLERS) {
    const { layers: sides, dir } = await layers(sync);
    const results = new Map<string, { ops: number[]; cpu: number[]; gc: number[] }>(
      sides.map((s) => [s.name, { ops: [], cpu: [], gc: [] }]),
    );
    for (const side of sides) await drive(200, side.op, callers);
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) {
        const gcBefore = gcMs;
        const run = await drive(seconds * 1000, side.op, callers);
        const r = results.get(side.name)!;
        r.ops.push(run.ops);
        r.cpu.push(run.cpuPerOp);
        r.gc.push(((gcMs - gcBefore) * 1000) / run.done);
      }
    }
    for (const side of sides) await side.close();
    await rm(dir, { recursive: true, force: true });
    const durableOps = median(results.get('durable set')!.ops);
    for (const side of sides) {
      const r = results.get(side.name)!;
      const ops = median(r.ops);
      lines.push(
        `| ${policyName} | ${callers} | ${side.name} | ${Math.round(ops).toLocaleString('en-US')} | ${median(r.cpu).toFixed(2)} | ${median(r.gc).toFixed(2)} | ${(durableOps / ops).toFixed(2)} |`,
      );
    }
    process.stderr.write(`${policyName} ${callers} callers done\n`);
  }
}
console.log(lines.join('\n'));
