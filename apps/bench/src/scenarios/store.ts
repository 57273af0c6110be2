import { childScript, nodeArgs, outputOf } from '../core/child.js';
import { summarize } from '../core/stats.js';
import type { Context, Latency, Row, Scenario } from '../types.js';

async function child<T>(ctx: Context, args: string[], heapMiB?: number): Promise<T> {
  const flags = ['--expose-gc', ...(heapMiB ? [`--max-old-space-size=${heapMiB}`] : [])];
  const out = await outputOf(
    ctx.spawn(process.execPath, [...nodeArgs(flags), childScript('memory'), ...args]),
    `memory child ${args.join(' ')}`,
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

interface MemoryOut {
  heap: number;
  external: number;
  total: number;
  /** Resident set growth per entry: one store per child, so it is that store's alone. */
  rss: number;
  fillMs: number;
}

const KINDS = [
  { id: 'map', name: 'plain Map<string, Buffer>' },
  { id: 'locked', name: 'LockedStore' },
  { id: 'sharded', name: 'ShardedStore' },
] as const;

/**
 * Memory per entry of 16-byte keys and 100 B values in a plain `Map<string, Buffer>`, a
 * `LockedStore` and a `ShardedStore`, each in its own child process (`--expose-gc`). The figure
 * is the heapUsed delta plus the off-heap (`external`, where Buffer bytes live) delta, so that
 * no layout can hide its values from the count; the note adds the RSS delta (which also counts
 * malloc overhead), meaningful because each child holds one structure.
 */
export const storeMemoryScenario: Scenario = {
  id: 'store.memory',
  group: 'store',
  async run(ctx) {
    const rows: Row[] = [];
    const n = ctx.profile.memoryEntries;
    for (const kind of KINDS) {
      ctx.status(kind.name);
      const runs: MemoryOut[] = [];
      // Memory is deterministic enough that one child per store is plenty outside --full.
      for (let r = 0; r < (ctx.profile.name === 'full' ? 2 : 1); r++)
        runs.push(await child<MemoryOut>(ctx, ['memory', kind.id, String(n)]));
      const heap = summarize(runs.map((x) => x.heap)).median;
      const external = summarize(runs.map((x) => x.external)).median;
      const rss = summarize(runs.map((x) => x.rss)).median;
      rows.push({
        id: `store.memory.${kind.id}`,
        group: 'store',
        label: `${kind.name}: memory per entry, ${n} entries`,
        unit: 'B/entry',
        higherIsBetter: false,
        value: summarize(runs.map((x) => x.total)),
        note: `heapUsed ${heap.toFixed(0)} + external ${external.toFixed(0)} B/entry; RSS ${rss.toFixed(0)} B/entry; filled in ${summarize(runs.map((x) => x.fillMs)).median.toFixed(0)} ms`,
      });
    }
    return rows;
  },
};

interface GrowOut {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  samples: number;
  seconds: number;
  size: number;
  bytesPerEntry: number;
}

const latencyOf = (g: GrowOut): Latency => ({
  p50: g.p50,
  p99: g.p99,
  p999: g.p999,
  samples: g.samples,
});

/**
 * `--scale`: ShardedStore holding `scaleKeys` (20M) keys where one `Map` cannot (V8 caps a Map
 * at 2^24 entries), and p99.9 `set` latency while growing to `scaleGrowKeys` (10M), Locked
 * beside Sharded. Each in a child with a large heap.
 */
export const storeScaleScenario: Scenario = {
  id: 'store.scale',
  group: 'store',
  scaleOnly: true,
  async run(ctx) {
    const rows: Row[] = [];
    ctx.status(`Sharded holding ${ctx.profile.scaleKeys} keys`);
    const hold = await child<GrowOut>(
      ctx,
      ['grow', 'sharded', String(ctx.profile.scaleKeys)],
      20_000,
    );
    rows.push({
      id: 'store.scale.sharded-hold',
      group: 'store',
      label: `ShardedStore holding ${ctx.profile.scaleKeys} keys: seconds to fill`,
      unit: 's',
      higherIsBetter: false,
      value: summarize([hold.seconds]),
      latency: latencyOf(hold),
      note: `${hold.size} keys held; ${hold.bytesPerEntry.toFixed(0)} B/entry of heap+external at the end; slowest set ${hold.max.toFixed(1)} ms`,
    });
    for (const kind of ['locked', 'sharded'] as const) {
      ctx.status(`${kind} growing to ${ctx.profile.scaleGrowKeys}`);
      const grow = await child<GrowOut>(
        ctx,
        ['grow', kind, String(ctx.profile.scaleGrowKeys)],
        12_000,
      );
      rows.push({
        id: `store.scale.grow-${kind}`,
        group: 'store',
        label: `${kind === 'locked' ? 'LockedStore' : 'ShardedStore'} set p99.9 while growing to ${ctx.profile.scaleGrowKeys} keys`,
        unit: 'ms',
        higherIsBetter: false,
        value: summarize([grow.p999]),
        latency: latencyOf(grow),
        note: `${grow.seconds.toFixed(1)} s to fill; slowest set ${grow.max.toFixed(1)} ms`,
      });
    }
    return rows;
  },
};
