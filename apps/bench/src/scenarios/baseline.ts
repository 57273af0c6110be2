import { join } from 'node:path';
import { keyOf } from '../core/data.js';
import { measureConcurrent } from '../core/drive.js';
import { type BaselineIo, GroupCommitBaseline } from '../core/group-commit.js';
import { summarize } from '../core/stats.js';
import { fdatasyncLatency } from '../machine.js';
import type { Context, Row, Scenario } from '../types.js';

/** Bytes of a baseline line: the seed's `SET <16-byte key> <base64 of 100 B>\n`. */
export function seedLine(key: string, value: Buffer): Buffer {
  return Buffer.from(`SET ${key} ${value.toString('base64')}\n`);
}

const VARIANTS: readonly BaselineIo[] = ['callbacks', 'filehandle'];

async function variantRow(
  ctx: Context,
  sync: boolean,
  io: BaselineIo,
  n: number,
  lines: Buffer[],
): Promise<Row> {
  const dir = await ctx.dir(`baseline-${sync ? 'fsync' : 'nofsync'}-${io}-${n}`);
  const log = await GroupCommitBaseline.open(join(dir, 'baseline.log'), sync, io);
  const result = await measureConcurrent(ctx.profile, n, (w) => log.write(lines[w]!));
  await log.close();
  await ctx.remove(dir);
  const mode = sync ? 'fsync' : 'nofsync';
  return {
    id: `baseline.${mode}-${io}.n${n}`,
    group: 'baseline',
    label: `baseline ${sync ? 'writev+fdatasync' : 'writev, no fsync'} (${io}), N=${n}`,
    unit: 'ops/s',
    higherIsBetter: true,
    value: result.opsPerSec,
    ...(result.latency ? { latency: result.latency } : {}),
    concurrency: n,
    note: `${(log.bytes / Math.max(1, log.batches)).toFixed(0)} B per batch on average`,
  };
}

/** The better of the variant rows, under the name targets use (`baseline.fsync.n256`). */
function best(rows: readonly Row[], id: string, label: string, series: string): Row {
  const sorted = [...rows].sort((a, b) => (b.value?.median ?? 0) - (a.value?.median ?? 0));
  const top = sorted[0]!;
  return {
    ...top,
    id,
    label,
    series,
    note: `best of ${rows.map((r) => r.id.split('-')[1]?.split('.')[0]).join(', ')}: ${top.id}`,
  };
}

/**
 * The disk's limit: N producers, one consumer doing one writev (+ one fdatasync) per batch, with
 * fs callbacks and with FileHandle (the faster one is the baseline); and the raw fdatasync latency.
 */
export const baselineScenario: Scenario = {
  id: 'baseline',
  group: 'baseline',
  async run(ctx) {
    const rows: Row[] = [];
    const dir = await ctx.dir('fdatasync');
    const samples = ctx.profile.fsyncSamples;
    const per = Math.max(5, Math.floor(samples / ctx.profile.rounds));
    const p50s: number[] = [];
    for (let r = 0; r < ctx.profile.rounds; r++) p50s.push(fdatasyncLatency(dir, per).p50);
    const all = fdatasyncLatency(dir, samples);
    rows.push({
      id: 'baseline.fdatasync',
      group: 'baseline',
      label: 'raw fdatasync of a 4 KiB append (p50 per round)',
      unit: 'ms',
      higherIsBetter: false,
      value: summarize(p50s),
      latency: { p50: all.p50, p99: all.p99, p999: all.p99, samples: all.samples },
    });
    for (const sync of [true, false]) {
      for (const n of ctx.profile.concurrency) {
        const lines = Array.from({ length: n }, (_, w) =>
          seedLine(keyOf(w), Buffer.alloc(100, w & 0xff)),
        );
        const variants: Row[] = [];
        for (const io of VARIANTS) {
          ctx.status(`${sync ? 'fsync' : 'no fsync'} ${io} N=${n}`);
          variants.push(await variantRow(ctx, sync, io, n, lines));
        }
        rows.push(...variants);
        const mode = sync ? 'fsync' : 'nofsync';
        rows.push(
          best(
            variants,
            `baseline.${mode}.n${n}`,
            `baseline ${sync ? 'group commit + fdatasync' : 'group commit, no fsync'}, N=${n}`,
            sync ? 'baseline (fdatasync)' : 'baseline (no fsync)',
          ),
        );
      }
    }
    return rows;
  },
};
