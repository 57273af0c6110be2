import { join } from 'node:path';
import { encodeRecord } from '@hermes/record';
import { keyOf } from '../core/data.js';
import { type BaselineIo, GroupCommitBaseline } from '../core/group-commit.js';
import type { Contender } from '../core/race.js';
import { summarize } from '../core/stats.js';
import { fdatasyncLatency } from '../machine.js';
import type { Row, Scenario } from '../types.js';

/**
 * Bytes of a baseline line: exactly the line the log writes for `set(key, value)` (the
 * `@hermes/record` codec), so that the ratio to the baseline isolates the log's own work.
 */
export function recordLine(key: string, value: Buffer): Uint8Array {
  return encodeRecord({ type: 'set', key, value });
}

/**
 * The disk's limit as a race contender: N producers hand a pre-encoded record line each (the
 * bytes the log writes) to one consumer doing one writev (+ one fdatasync when `sync`) per group commit
 * gathered over a turn, with fs callbacks or FileHandle.
 */
export function baselineContender(sync: boolean, io: BaselineIo): Contender {
  const mode = sync ? 'fsync' : 'nofsync';
  return {
    id: `baseline.${mode}-${io}`,
    group: 'baseline',
    label: `baseline ${sync ? 'writev+fdatasync' : 'writev, no fsync'} (${io})`,
    async open(ctx, n) {
      const dir = await ctx.dir(`baseline-${mode}-${io}-${n}`);
      const lines = Array.from({ length: n }, (_, w) => recordLine(keyOf(w), Buffer.alloc(100, w)));
      const log = await GroupCommitBaseline.open(join(dir, 'baseline.log'), sync, io);
      return {
        op: (w) => log.write(lines[w]!),
        async close() {
          await log.close();
          await ctx.remove(dir);
          return `${(log.bytes / Math.max(1, log.commits)).toFixed(0)} B per group commit on average`;
        },
      };
    },
  };
}

/**
 * Adds `baseline.<mode>.n<N>`: the faster of the callbacks and FileHandle variants raced at
 * `n`, under the name that targets and the ratio table use, so the baseline is as strong as
 * plain Node gets.
 */
export function bestBaseline(rows: Row[], n: number): Row[] {
  const out: Row[] = [];
  for (const mode of ['fsync', 'nofsync'] as const) {
    const variants = rows.filter((r) => r.id.startsWith(`baseline.${mode}-`) && r.value);
    if (variants.length === 0) continue;
    const top = [...variants].sort((a, b) => b.value!.median - a.value!.median)[0]!;
    out.push({
      ...top,
      id: `baseline.${mode}.n${n}`,
      label: `baseline group commit${mode === 'fsync' ? ' + fdatasync' : ', no fsync'}, N=${n}`,
      series: mode === 'fsync' ? 'baseline (fdatasync)' : 'baseline (no fsync)',
      note: `the faster of ${variants.map((v) => v.id).join(', ')}: ${top.id}`,
    });
  }
  return out;
}

/** Raw fdatasync latency of a 4 KiB append on the data folder's disk. */
export const fdatasyncScenario: Scenario = {
  id: 'baseline.fdatasync',
  group: 'baseline',
  async run(ctx) {
    const dir = await ctx.dir('fdatasync');
    const samples = ctx.profile.fsyncSamples;
    const per = Math.max(5, Math.floor(samples / ctx.profile.rounds));
    const p50s: number[] = [];
    for (let r = 0; r < ctx.profile.rounds; r++) p50s.push(fdatasyncLatency(dir, per).p50);
    const all = fdatasyncLatency(dir, samples);
    await ctx.remove(dir);
    return [
      {
        id: 'baseline.fdatasync',
        group: 'baseline',
        label: 'raw fdatasync of a 4 KiB append (p50 per round)',
        unit: 'ms',
        higherIsBetter: false,
        value: summarize(p50s),
        latency: { p50: all.p50, p99: all.p99, p999: Number.NaN, samples: all.samples },
      },
    ];
  },
};
