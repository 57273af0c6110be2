import { performance } from 'node:perf_hooks';
import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { SyncEveryWrite } from '@hermes/wal';
import { openDurableStore } from '@hermes/wal-store';
import { bareReplay } from '../core/bare-replay.js';
import { keyOf, mbPerSec, valuePool } from '../core/data.js';
import { measureConcurrent, measureRepeated } from '../core/drive.js';
import { fillLog } from '../core/hermes-log.js';
import type { Context, Row, Scenario } from '../types.js';

const KINDS = [
  { id: 'sharded', name: 'Sharded', make: (): LockableStore => new ShardedStore() },
  { id: 'locked', name: 'Locked', make: (): LockableStore => new LockedStore() },
] as const;

async function setRow(ctx: Context, kind: (typeof KINDS)[number], n: number): Promise<Row> {
  const dir = await ctx.dir(`wal-store-${kind.id}-${n}`);
  const values = valuePool(100);
  const store = await openDurableStore({
    dir,
    sync: SyncEveryWrite,
    store: kind.make(),
    compaction: false,
  });
  const result = await measureConcurrent(ctx.profile, n, (_w, seq) =>
    store.set(keyOf(seq), values[seq & 63]!),
  );
  const stats = store.stats();
  await store.close();
  await ctx.remove(dir);
  return {
    id: `wal-store.${kind.id}.n${n}`,
    group: 'wal-store',
    label: `durable ${kind.name} set SyncEveryWrite, N=${n}`,
    unit: 'ops/s',
    higherIsBetter: true,
    value: result.opsPerSec,
    ...(result.latency ? { latency: result.latency } : {}),
    concurrency: n,
    series: `Hermes durable ${kind.name} set`,
    note: `${(stats.appends / Math.max(1, stats.batches)).toFixed(1)} appends per batch`,
  };
}

/** Times opening the durable Sharded store on `dir` (replay into memory), checks the key count. */
async function hermesOpen(dir: string, keys: number): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const store = await openDurableStore({ dir, store: new ShardedStore(), compaction: false });
  const ms = performance.now() - t0;
  const size = store.size;
  const bytes = store.report.bytes;
  await store.close();
  if (size !== keys) throw new Error(`open found ${size} keys, expected ${keys}`);
  return { ms, bytes };
}

function msRow(id: string, label: string, value: Row['value'], note: string): Row {
  return {
    id,
    group: 'wal-store',
    label,
    unit: 'ms',
    higherIsBetter: false,
    ...(value ? { value } : {}),
    note,
  };
}

/** Open of a log of live keys: Hermes (durable Sharded) beside the bare stream+split+base64+Map. */
async function openRows(ctx: Context): Promise<Row[]> {
  const keys = ctx.profile.replayKeys;
  const dir = await ctx.dir('wal-store-open');
  ctx.status(`writing a log of ${keys} live keys`);
  const logBytes = await fillLog(dir, keys);
  let bytes = 0;
  ctx.status('Hermes open');
  const hermes = await measureRepeated(ctx.profile.rounds, async () => {
    const r = await hermesOpen(dir, keys);
    bytes = r.bytes;
    return r.ms;
  });
  ctx.status('bare open');
  const bare = await measureRepeated(ctx.profile.rounds, async () => {
    const t0 = performance.now();
    const map = await bareReplay(dir);
    const ms = performance.now() - t0;
    if (map.size !== keys) throw new Error(`bare replay found ${map.size} keys, expected ${keys}`);
    return ms;
  });
  await ctx.remove(dir);
  const mb = (logBytes / 1e6).toFixed(1);
  return [
    msRow(
      'wal-store.open.hermes',
      `open (replay) durable Sharded, ${keys} live keys`,
      hermes,
      `${mb} MB log; ${mbPerSec(bytes, hermes.median).toFixed(0)} MB/s`,
    ),
    msRow(
      'wal-store.open.bare',
      `bare stream+split+base64+Map, ${keys} live keys`,
      bare,
      `same files; ${mbPerSec(logBytes, bare.median).toFixed(0)} MB/s`,
    ),
  ];
}

/** Open time of a log with `churn`x overwrites, before and after `compact()`. */
async function compactionRows(ctx: Context): Promise<Row[]> {
  const keys = ctx.profile.compactKeys;
  const records = keys * ctx.profile.churn;
  const dir = await ctx.dir('wal-store-compaction');
  ctx.status(`writing ${records} records over ${keys} keys`);
  const before = await fillLog(dir, records, keys);
  ctx.status('open before compaction');
  const churned = await measureRepeated(
    ctx.profile.rounds,
    async () => (await hermesOpen(dir, keys)).ms,
  );
  ctx.status('compacting');
  const store = await openDurableStore({ dir, store: new ShardedStore(), compaction: false });
  const report = await store.compact();
  await store.close();
  ctx.status('open after compaction');
  const compacted = await measureRepeated(
    ctx.profile.rounds,
    async () => (await hermesOpen(dir, keys)).ms,
  );
  await ctx.remove(dir);
  return [
    msRow(
      'wal-store.open.churned',
      `open before compaction (${ctx.profile.churn}x churn over ${keys} keys)`,
      churned,
      `${(before / 1e6).toFixed(1)} MB log`,
    ),
    msRow(
      'wal-store.open.compacted',
      `open after compaction (${keys} keys)`,
      compacted,
      `${(report.bytesAfter / 1e6).toFixed(1)} MB log; compaction took ${report.durationMs.toFixed(0)} ms`,
    ),
  ];
}

/** The durable store: `set` at each concurrency over Sharded and Locked; open; compaction. */
export const walStoreScenario: Scenario = {
  id: 'wal-store',
  group: 'wal-store',
  async run(ctx) {
    const rows: Row[] = [];
    for (const kind of KINDS)
      for (const n of ctx.profile.concurrency) {
        ctx.status(`${kind.name} N=${n}`);
        rows.push(await setRow(ctx, kind, n));
      }
    rows.push(...(await openRows(ctx)));
    rows.push(...(await compactionRows(ctx)));
    return rows;
  },
};
