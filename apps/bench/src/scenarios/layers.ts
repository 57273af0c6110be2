import { ShardedStore } from '@hermes/store';
import { openWal, SyncEverySecond, SyncEveryWrite, type Wal } from '@hermes/wal';
import { keyOf, valuePool } from '../core/data.js';
import type { Operation } from '../core/drive.js';
import { type Contender, type Interleaved, interleave, type RoundFigures } from '../core/race.js';
import { summarize } from '../core/stats.js';
import type { Row, Scenario } from '../types.js';
import { walContender } from './wal.js';
import { walStoreContender } from './wal-store.js';

type Policy = 'every' | 'everysec';

/** `ShardedStore.set` alone: its key lock and apply to memory, no log. */
const memorySet: Contender = {
  id: 'memory',
  group: 'store',
  label: 'memory set (ShardedStore alone)',
  async open() {
    const store = new ShardedStore();
    const values = valuePool(100);
    return {
      op: (_w, seq) => store.set(keyOf(seq), values[seq & 63]!),
      async close() {
        await store.close();
        return undefined;
      },
    };
  },
};

/**
 * The floor under any durable store: `wal.append` with the store's key lock held and the write
 * applied to memory once the log took it, and nothing else (no validation, no copy of the value,
 * no error handling).
 */
function floorOp(wal: Wal, store: ShardedStore, values: readonly Buffer[]): Operation {
  return (_w, seq) => {
    const key = keyOf(seq);
    const value = values[seq & 63]!;
    let appended: Promise<unknown> | undefined;
    store.acquire(key, 'shared', (release) => {
      appended = wal
        .append({ type: 'set', key, value }, () => {
          store.applyUnlocked({ type: 'set', key, value });
        })
        .finally(release);
    });
    // Every call takes a fresh key, so the lock is free and granted inside `acquire`.
    if (appended === undefined) throw new Error('floor: a fresh key was found locked');
    return appended;
  };
}

/** The floor (see {@link floorOp}) under `policy`, as a contender. */
function floorContender(policy: Policy): Contender {
  return {
    id: 'floor',
    group: 'wal-store',
    label: 'floor (wal + key lock + apply)',
    async open(ctx, n) {
      const dir = await ctx.dir(`layers-floor-${policy}-${n}`);
      const { wal } = await openWal({
        dir,
        sync: policy === 'every' ? SyncEveryWrite : SyncEverySecond,
      });
      return {
        op: floorOp(wal, new ShardedStore(), valuePool(100)),
        ...(policy === 'everysec' ? { settle: () => wal.sync() } : {}),
        async close() {
          await wal.close();
          await ctx.remove(dir);
          return undefined;
        },
      };
    },
  };
}

/** One layer: the last part of its row ids, what a person reads, and the contender that runs it. */
interface Layer {
  readonly name: string;
  readonly label: string;
  readonly c: Contender;
}

/** The layers a durable `set` crosses, each on its own, bottom up; the last is what users call. */
function layers(policy: Policy): readonly Layer[] {
  return [
    { name: 'memory', label: 'memory set (ShardedStore alone)', c: memorySet },
    { name: 'wal', label: 'wal append alone', c: walContender(policy, 100) },
    { name: 'floor', label: 'floor (wal + key lock + apply)', c: floorContender(policy) },
    { name: 'durable', label: 'durable Sharded set', c: walStoreContender('sharded', policy) },
    { name: 'durable-locked', label: 'durable Locked set', c: walStoreContender('locked', policy) },
  ];
}

const perOp = (rounds: readonly RoundFigures[], of: (r: RoundFigures) => number): number[] =>
  rounds.map((r) => of(r) / Math.max(1, r.ops));
const opsPerSec = (r: RoundFigures): number => (r.ops * 1000) / r.elapsedMs;

/** The rows of one interleaved run of `sides` at `n` callers under `policy`. */
function layerRows(
  sides: readonly Layer[],
  measured: Interleaved,
  policy: Policy,
  n: number,
): Row[] {
  const race = `wal-store.layers.${policy}.n${n}`;
  const sync = policy === 'every' ? 'SyncEveryWrite' : 'SyncEverySecond';
  const durable = measured.rounds[sides.findIndex((side) => side.name === 'durable')]!;
  return sides.map((side, i): Row => {
    const rounds = measured.rounds[i]!;
    const latency = measured.latencies[i];
    const ratio = summarize(rounds.map((r, k) => opsPerSec(durable[k]!) / opsPerSec(r)));
    const gc = summarize(perOp(rounds, (r) => r.gcMs * 1000)).median;
    const allocatedPerOp = summarize(perOp(rounds, (r) => r.allocatedBytes));
    return {
      id: `${race}.${side.name}`,
      group: 'wal-store',
      label: `${side.label} ${sync}, N=${n}: CPU per op`,
      unit: 'µs CPU/op',
      higherIsBetter: false,
      value: summarize(perOp(rounds, (r) => r.cpuUs)),
      opsPerSec: summarize(rounds.map(opsPerSec)),
      allocatedPerOp,
      ...(latency ? { latency } : {}),
      concurrency: n,
      race,
      note: [
        `${summarize(rounds.map(opsPerSec)).median.toFixed(0)} ops/s`,
        `GC ${gc.toFixed(2)} µs/op`,
        `${allocatedPerOp.median.toFixed(0)} B allocated/op`,
        `durable set ÷ this ${ratio.median.toFixed(2)}x ops/s`,
        measured.notes[i],
      ]
        .filter(Boolean)
        .join('; '),
    };
  });
}

/**
 * Where a durable write's time goes (issue 27): at each concurrency and under both policies,
 * the layers a `set` crosses measured on their own in interleaved rounds (memory set, wal append,
 * the floor, the durable Sharded set; the durable Locked set beside it), each row the CPU
 * microseconds per operation with its ops/s and bytes allocated per operation, and in the note
 * GC microseconds per operation and the durable Sharded set's ops/s over the layer's.
 */
export const layersScenario: Scenario = {
  id: 'wal-store.layers',
  group: 'wal-store',
  async run(ctx) {
    const rows: Row[] = [];
    for (const policy of ['every', 'everysec'] as const) {
      const sides = layers(policy);
      for (const n of ctx.profile.concurrency) {
        const contenders = sides.map((s) => s.c);
        const measured = await interleave(ctx, contenders, n, { heap: true });
        rows.push(...layerRows(sides, measured, policy, n));
      }
    }
    return rows;
  },
};
