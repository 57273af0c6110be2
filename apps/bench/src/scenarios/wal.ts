import { performance } from 'node:perf_hooks';
import { openWal, SyncEverySecond, SyncEveryWrite } from '@hermes/wal';
import { keyOf, mbPerSec, valuePool } from '../core/data.js';
import { measureRepeated } from '../core/drive.js';
import { sharedLog } from '../core/hermes-log.js';
import type { Contender } from '../core/race.js';
import { summarize } from '../core/stats.js';
import type { Scenario } from '../types.js';

/** `wal.append` of SET records under a policy, as a race contender. */
export function walContender(policy: 'every' | 'everysec', size: 100 | 4096): Contender {
  const name = policy === 'every' ? 'SyncEveryWrite' : 'SyncEverySecond';
  return {
    id: `wal.${policy}`,
    suffix: `.v${size}`,
    group: 'wal',
    label: `wal append ${name}, ${size === 100 ? '100 B' : '4 KiB'}`,
    ...(size === 100
      ? { series: `Hermes wal ${name}${policy === 'every' ? '' : ' (not durable)'}` }
      : {}),
    async open(ctx, n) {
      const dir = await ctx.dir(`wal-${policy}-${n}-${size}`);
      const values = valuePool(size);
      const { wal } = await openWal({
        dir,
        sync: policy === 'every' ? SyncEveryWrite : SyncEverySecond,
      });
      return {
        op: (_w, seq) => wal.append({ type: 'set', key: keyOf(seq), value: values[seq & 63]! }),
        // SyncEverySecond leaves up to a second of fsync debt: pay it before the next contender runs.
        ...(policy === 'everysec' ? { settle: () => wal.sync() } : {}),
        async close() {
          const stats = wal.stats();
          await wal.close();
          await ctx.remove(dir);
          return `${(stats.appends / Math.max(1, stats.commits)).toFixed(1)} appends per group commit, ${stats.fsyncs} fsyncs`;
        },
      };
    },
  };
}

/** Replay of a log alone (decode and checksum every record, keep nothing): MB/s and records/s. */
export const walReplayScenario: Scenario = {
  id: 'wal.replay',
  group: 'wal',
  async run(ctx) {
    const log = await sharedLog(ctx, ctx.profile.replayKeys, 1);
    const recordRates: number[] = [];
    ctx.status('replaying');
    const mbs = await measureRepeated(
      ctx.profile.rounds,
      async () => {
        let seen = 0;
        const t0 = performance.now();
        const { wal, report } = await openWal({
          dir: log.dir,
          onRecord: () => {
            seen++;
          },
        });
        const ms = performance.now() - t0;
        await wal.close();
        if (seen !== log.records) throw new Error(`replayed ${seen} records, wrote ${log.records}`);
        recordRates.push((seen * 1000) / ms);
        return mbPerSec(report.bytes, ms);
      },
      false,
    );
    const note = `${log.records} records of 16 B keys and 100 B values, ${(log.bytes / 1e6).toFixed(1)} MB; openWal with a counting onRecord`;
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
  },
};
