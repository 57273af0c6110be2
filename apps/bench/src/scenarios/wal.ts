import { performance } from 'node:perf_hooks';
import { openWal, SyncEverySecond, SyncEveryWrite } from '@hermes/wal';
import { keyOf, mbPerSec, valuePool } from '../core/data.js';
import { measureConcurrent, measureRepeated } from '../core/drive.js';
import { fillLog } from '../core/hermes-log.js';
import { summarize } from '../core/stats.js';
import type { Context, Row, Scenario } from '../types.js';

const POLICIES = [
  { id: 'every', sync: SyncEveryWrite, name: 'SyncEveryWrite' },
  { id: 'everysec', sync: SyncEverySecond, name: 'SyncEverySecond' },
] as const;

async function appendRow(
  ctx: Context,
  policy: (typeof POLICIES)[number],
  n: number,
  size: number,
): Promise<Row> {
  const dir = await ctx.dir(`wal-${policy.id}-${n}-${size}`);
  const values = valuePool(size);
  const { wal } = await openWal({ dir, sync: policy.sync });
  const result = await measureConcurrent(ctx.profile, n, (_w, seq) =>
    wal.append({ type: 'set', key: keyOf(seq), value: values[seq & 63]! }),
  );
  const stats = wal.stats();
  await wal.close();
  await ctx.remove(dir);
  return {
    id: `wal.${policy.id}.n${n}.v${size}`,
    group: 'wal',
    label: `wal append ${policy.name}, N=${n}, ${size === 4096 ? '4 KiB' : `${size} B`}`,
    unit: 'ops/s',
    higherIsBetter: true,
    value: result.opsPerSec,
    ...(result.latency ? { latency: result.latency } : {}),
    concurrency: n,
    ...(size === 100 ? { series: `Hermes wal ${policy.name}` } : {}),
    note: `${(stats.appends / Math.max(1, stats.batches)).toFixed(1)} appends per batch, ${stats.fsyncs} fsyncs`,
  };
}

/** Replay of a log alone (decode and checksum every record, keep nothing): MB/s and records/s. */
async function replayRows(ctx: Context): Promise<Row[]> {
  const dir = await ctx.dir('wal-replay');
  const records = ctx.profile.replayKeys;
  ctx.status(`writing a log of ${records} records`);
  const bytes = await fillLog(dir, records);
  let perSec = 0;
  const recordRates: number[] = [];
  ctx.status('replaying');
  const mbs = await measureRepeated(ctx.profile.rounds, async (round) => {
    let seen = 0;
    const t0 = performance.now();
    const { wal, report } = await openWal({
      dir,
      onRecord: () => {
        seen++;
      },
    });
    const ms = performance.now() - t0;
    await wal.close();
    if (seen !== records) throw new Error(`replayed ${seen} records, wrote ${records}`);
    perSec = (seen * 1000) / ms;
    if (round >= 0) recordRates.push(perSec);
    return mbPerSec(report.bytes, ms);
  });
  await ctx.remove(dir);
  const note = `${records} records of 16 B keys and 100 B values, ${(bytes / 1e6).toFixed(1)} MB; openWal with a counting onRecord`;
  return [
    {
      id: 'wal.replay',
      group: 'wal',
      label: 'wal replay of a log alone',
      unit: 'MB/s',
      higherIsBetter: true,
      value: mbs,
      note,
    },
    {
      id: 'wal.replay-records',
      group: 'wal',
      label: 'wal replay of a log alone, records',
      unit: 'rec/s',
      higherIsBetter: true,
      value: summarize(recordRates),
      note,
    },
  ];
}

/** The log's appends for each policy, concurrency and value size; then replay speed. */
export const walScenario: Scenario = {
  id: 'wal',
  group: 'wal',
  async run(ctx) {
    const rows: Row[] = [];
    for (const policy of POLICIES)
      for (const size of [100, 4096])
        for (const n of ctx.profile.concurrency) {
          ctx.status(`${policy.name} N=${n} ${size} B`);
          rows.push(await appendRow(ctx, policy, n, size));
        }
    rows.push(...(await replayRows(ctx)));
    return rows;
  },
};
