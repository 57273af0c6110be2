import { performance } from 'node:perf_hooks';
import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { SyncEverySecond, SyncEveryWrite } from '@hermes/wal';
import { type DurableStore, openDurableStore } from '@hermes/wal-store';
import { bareReplay } from '../core/bare-replay.js';
import { type KeyOrder, keyOf, mbPerSec, orderedKeyOf, valuePool } from '../core/data.js';
import { measureRepeated } from '../core/drive.js';
import { fillLog, sharedLog } from '../core/hermes-log.js';
import type { Contender } from '../core/race.js';
import { summarize } from '../core/stats.js';
import type { Row, Scenario, Summary } from '../types.js';

/** Keys the overwrite row rewrites, round-robin. */
export const OVERWRITE_KEYS = 65_536;

/**
 * `set` through the durable store over Sharded or Locked, as a race contender, under
 * `SyncEveryWrite` (the write rows) or `SyncEverySecond`. Each `set` writes a new key, ascending
 * (ids `wal-store.<kind>`) or scattered (`-scattered`), or with `'overwrite'` one of
 * {@link OVERWRITE_KEYS} keys that were each written twice before the measured rounds
 * (`-overwrite`: steady-state overwrites, as a store of sessions or counters sees).
 * @default policy 'every', keys 'ascending'
 */
export function walStoreContender(
  kind: 'sharded' | 'locked',
  policy: 'every' | 'everysec' = 'every',
  keys: KeyOrder | 'overwrite' = 'ascending',
): Contender {
  const name = kind === 'sharded' ? 'Sharded' : 'Locked';
  const sync = policy === 'every' ? 'SyncEveryWrite' : 'SyncEverySecond';
  const overwrite = keys === 'overwrite';
  const what = overwrite ? 'overwrite' : keys === 'scattered' ? 'set (scattered keys)' : 'set';
  return {
    id: `wal-store.${kind}${keys === 'ascending' ? '' : `-${keys}`}`,
    group: 'wal-store',
    label: `durable ${name} ${what} ${sync}`,
    series: `Hermes durable ${name} ${what}`,
    async open(ctx, n) {
      const dir = await ctx.dir(`wal-store-${kind}-${keys}-${policy}-${n}`);
      const values = valuePool(100);
      const inner: LockableStore = kind === 'sharded' ? new ShardedStore() : new LockedStore();
      const store = await openDurableStore({
        dir,
        sync: policy === 'every' ? SyncEveryWrite : SyncEverySecond,
        store: inner,
        compaction: false,
      });
      if (overwrite) await writeEveryKeyTwice(store, values);
      const keyAt = (seq: number): string =>
        overwrite ? keyOf(seq % OVERWRITE_KEYS) : orderedKeyOf(keys, seq);
      return {
        op: (_w, seq) => store.set(keyAt(seq), values[seq & 63]!),
        // SyncEverySecond leaves up to a second of fsync debt: pay it before the next contender runs.
        ...(policy === 'everysec' ? { settle: () => store.sync() } : {}),
        async close() {
          const stats = store.stats();
          await store.close();
          await ctx.remove(dir);
          return `${(stats.appends / Math.max(1, stats.commits)).toFixed(1)} appends per group commit`;
        },
      };
    },
  };
}

/** Writes each of the {@link OVERWRITE_KEYS} keys twice, in batches of 1,000 (one fsync each). */
async function writeEveryKeyTwice(
  store: Pick<DurableStore, 'batch'>,
  values: readonly Buffer[],
): Promise<void> {
  for (let pass = 0; pass < 2; pass++) {
    for (let from = 0; from < OVERWRITE_KEYS; from += 1000) {
      const ops = [];
      for (let i = from; i < Math.min(from + 1000, OVERWRITE_KEYS); i++) {
        ops.push({ type: 'set' as const, key: keyOf(i), value: values[i & 63]! });
      }
      await store.batch(ops);
    }
  }
}

/** Times opening the durable Sharded store on `dir` (replay into memory); checks the key count. */
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

function msRow(id: string, label: string, value: Summary, note: string): Row {
  return { id, group: 'wal-store', label, unit: 'ms', higherIsBetter: false, value, note };
}

/**
 * Open of a log of live keys: Hermes (durable Sharded) beside the bare stream+split+base64+Map,
 * rounds interleaved (Hermes, bare, Hermes, bare, ...) so noise lands on both alike.
 */
export const openScenario: Scenario = {
  id: 'wal-store.open',
  group: 'wal-store',
  async run(ctx) {
    const log = await sharedLog(ctx, ctx.profile.replayKeys, 1);
    const hermes: number[] = [];
    const bare: number[] = [];
    let bytes = 0;
    for (let r = 0; r < ctx.profile.rounds; r++) {
      ctx.status(`round ${r + 1}: Hermes open`);
      const h = await hermesOpen(log.dir, log.keys);
      hermes.push(h.ms);
      bytes = h.bytes;
      ctx.status(`round ${r + 1}: bare open`);
      const t0 = performance.now();
      const map = await bareReplay(log.dir);
      bare.push(performance.now() - t0);
      if (map.size !== log.keys)
        throw new Error(`bare replay found ${map.size} keys, expected ${log.keys}`);
    }
    const h = summarize(hermes);
    const b = summarize(bare);
    const mb = (log.bytes / 1e6).toFixed(1);
    return [
      msRow(
        'wal-store.open.hermes',
        `open (replay) durable Sharded, ${log.keys} live keys`,
        h,
        `${mb} MB log; ${mbPerSec(bytes, h.median).toFixed(0)} MB/s`,
      ),
      msRow(
        'wal-store.open.bare',
        `bare stream+split+base64+Map, ${log.keys} live keys`,
        b,
        `same files; ${mbPerSec(log.bytes, b.median).toFixed(0)} MB/s`,
      ),
    ];
  },
};

/** Open time of a log with `churn`x overwrites, before and after `compact()`. */
export const compactionScenario: Scenario = {
  id: 'wal-store.compaction',
  group: 'wal-store',
  async run(ctx) {
    const keys = ctx.profile.compactKeys;
    const records = keys * ctx.profile.churn;
    const dir = await ctx.dir('wal-store-compaction');
    ctx.status(`writing ${records} records over ${keys} keys`);
    const before = await fillLog(dir, records, keys);
    ctx.status('open before compaction');
    const open = async (): Promise<number> => (await hermesOpen(dir, keys)).ms;
    const churned = await measureRepeated(ctx.profile.rounds, open, false);
    ctx.status('compacting');
    const store = await openDurableStore({ dir, store: new ShardedStore(), compaction: false });
    const report = await store.compact();
    await store.close();
    ctx.status('open after compaction');
    const compacted = await measureRepeated(ctx.profile.rounds, open, false);
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
  },
};
