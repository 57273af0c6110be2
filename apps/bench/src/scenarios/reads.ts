import { join } from 'node:path';
import { ShardedStore } from '@hermes/store';
import { openDurableStore } from '@hermes/wal-store';
import { ClassicLevel } from 'classic-level';
import { open as openLmdb } from 'lmdb';
import { keyOf, valuePool } from '../core/data.js';
import { sharedLog } from '../core/hermes-log.js';
import { summarize } from '../core/stats.js';
import type { Context, Row, Scenario } from '../types.js';

/** Entries read per range read. */
export const RANGE_ENTRIES = 100;
/** Entries filled per peer write transaction or batch. */
const FILL_BATCH = 10_000;

/**
 * One contender of the ordered-read rows: a random `get`, a read of `RANGE_ENTRIES` consecutive
 * entries (key and value) from a random key, and a full ordered scan; each returns what it read
 * (a value's length, or the entries counted) so the work cannot be skipped.
 */
interface OrderedReader {
  readonly id: string;
  readonly name: string;
  readonly api: string;
  get(key: string): number;
  range(start: string): number | Promise<number>;
  scan(): number | Promise<number>;
  close(): Promise<void>;
}

/** Hermes: the durable Sharded store opened on the run's shared log of `keys` keys. */
async function hermesReader(ctx: Context, keys: number): Promise<OrderedReader> {
  const log = await sharedLog(ctx, keys, 1);
  const store = await openDurableStore({
    dir: log.dir,
    store: new ShardedStore(),
    compaction: false,
  });
  if (store.size !== keys) throw new Error(`Hermes opened ${store.size} keys, expected ${keys}`);
  return {
    id: 'hermes',
    name: 'Hermes durable Sharded',
    api: 'get, entries({ gte, limit })',
    get: (key) => store.get(key)?.length ?? -1,
    range(start) {
      let n = 0;
      for (const [, value] of store.entries({ gte: start, limit: RANGE_ENTRIES }))
        n += value.length;
      return n;
    },
    scan() {
      let n = 0;
      for (const _ of store.entries()) n++;
      return n;
    },
    close: () => store.close(),
  };
}

/** lmdb-js filled with the same keys and 100 B values, read with `get` and `getRange`. */
async function lmdbReader(ctx: Context, keys: number): Promise<OrderedReader> {
  const dir = await ctx.dir(`reads-lmdb-${keys}`);
  const db = openLmdb<Buffer, string>({ path: join(dir, 'lmdb'), compression: false });
  const values = valuePool(100);
  for (let i = 0; i < keys; i += FILL_BATCH) {
    await db.transaction(() => {
      for (let j = i; j < Math.min(keys, i + FILL_BATCH); j++) db.put(keyOf(j), values[j & 63]!);
    });
  }
  return {
    id: 'lmdb',
    name: 'lmdb',
    api: 'get, getRange({ start, limit })',
    get: (key) => db.get(key)?.length ?? -1,
    range(start) {
      let n = 0;
      for (const { value } of db.getRange({ start, limit: RANGE_ENTRIES })) n += value.length;
      return n;
    },
    scan() {
      let n = 0;
      for (const _ of db.getRange()) n++;
      return n;
    },
    async close() {
      await db.close();
      await ctx.remove(dir);
    },
  };
}

/** classic-level filled the same way, read with `getSync` and iterators (`nextv`). */
async function levelReader(ctx: Context, keys: number): Promise<OrderedReader> {
  const dir = await ctx.dir(`reads-level-${keys}`);
  const db = new ClassicLevel<string, Buffer>(join(dir, 'level'), {
    keyEncoding: 'utf8',
    valueEncoding: 'buffer',
  });
  await db.open();
  const values = valuePool(100);
  for (let i = 0; i < keys; i += FILL_BATCH) {
    const batch = db.batch();
    for (let j = i; j < Math.min(keys, i + FILL_BATCH); j++) batch.put(keyOf(j), values[j & 63]!);
    await batch.write();
  }
  return {
    id: 'level',
    name: 'classic-level',
    api: 'getSync, iterator({ gte, limit }).all(), iterator().nextv(1000)',
    get: (key) => db.getSync(key)?.length ?? -1,
    async range(start) {
      let n = 0;
      for (const [, value] of await db.iterator({ gte: start, limit: RANGE_ENTRIES }).all())
        n += value.length;
      return n;
    },
    async scan() {
      const iterator = db.iterator();
      let n = 0;
      for (;;) {
        const entries = await iterator.nextv(1000);
        if (entries.length === 0) break;
        n += entries.length;
      }
      await iterator.close();
      return n;
    },
    async close() {
      await db.close();
      await ctx.remove(dir);
    },
  };
}

/** Calls of `op` per second over `ms` (awaiting it when it returns a promise). */
async function rate(ms: number, op: (i: number) => number | Promise<number>): Promise<number> {
  let calls = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  while (now < start + ms) {
    for (let k = 0; k < 16; k++) {
      const out = op(calls++);
      sink += typeof out === 'number' ? out : await out;
    }
    now = performance.now();
  }
  if (sink === Number.MIN_SAFE_INTEGER) process.stdout.write('');
  return (calls * 1000) / (now - start);
}

/** A random key among the first `keys` benchmark keys (the same sequence for every reader). */
function randomKeys(keys: number): (i: number) => string {
  const picks = Array.from({ length: 4096 }, () => keyOf(Math.floor(Math.random() * keys)));
  return (i) => picks[i & 4095]!;
}

/**
 * Ordered reads over the same keys (the replay rows' count: 1M in the quick profile, 16 B keys,
 * 100 B values) in Hermes, lmdb and classic-level: `get` of a random key, a range read of 100
 * consecutive entries from a random key, and a full ordered scan. Rounds interleave the readers
 * (Hermes, lmdb, level, Hermes, ...), so noise lands on all alike.
 */
export const readsScenario: Scenario = {
  id: 'reads',
  group: 'store',
  async run(ctx) {
    const keys = ctx.profile.replayKeys;
    const readers: OrderedReader[] = [];
    try {
      ctx.status(`Hermes opening ${keys} keys`);
      readers.push(await hermesReader(ctx, keys));
      ctx.status(`lmdb filling ${keys} keys`);
      readers.push(await lmdbReader(ctx, keys));
      ctx.status(`classic-level filling ${keys} keys`);
      readers.push(await levelReader(ctx, keys));
      const key = randomKeys(keys);
      const ops = {
        get: {
          label: 'get of a random key',
          unit: 'ops/s',
          run: (r: OrderedReader) => (i: number) => r.get(key(i)),
        },
        range100: {
          label: `range read of ${RANGE_ENTRIES} entries from a random key`,
          unit: 'ops/s',
          run: (r: OrderedReader) => (i: number) => r.range(key(i)),
        },
      } as const;
      const rows: Row[] = [];
      for (const [opId, op] of Object.entries(ops)) {
        const rates = new Map<string, number[]>(readers.map((r) => [r.id, []]));
        for (const r of readers) await rate(ctx.profile.warmupMs, op.run(r));
        for (let round = 0; round < ctx.profile.rounds; round++) {
          for (const r of readers) {
            ctx.status(`${opId} ${r.name}, round ${round + 1}`);
            rates.get(r.id)!.push(await rate(ctx.profile.roundMs, op.run(r)));
          }
        }
        for (const r of readers) {
          rows.push({
            id: `reads.${r.id}.${opId}`,
            group: 'store',
            label: `${r.name} ${op.label}, ${keys.toLocaleString('en-US')} keys`,
            unit: op.unit,
            higherIsBetter: true,
            value: summarize(rates.get(r.id)!),
            note: r.api,
          });
        }
      }
      const scans = new Map<string, number[]>(readers.map((r) => [r.id, []]));
      for (let round = 0; round < ctx.profile.rounds; round++) {
        for (const r of readers) {
          ctx.status(`full scan ${r.name}, round ${round + 1}`);
          const t0 = performance.now();
          const n = await r.scan();
          const ms = performance.now() - t0;
          if (n !== keys) throw new Error(`${r.name} scanned ${n} entries, expected ${keys}`);
          scans.get(r.id)!.push((n * 1000) / ms);
        }
      }
      for (const r of readers) {
        rows.push({
          id: `reads.${r.id}.scan`,
          group: 'store',
          label: `${r.name} full ordered scan, ${keys.toLocaleString('en-US')} keys`,
          unit: 'entries/s',
          higherIsBetter: true,
          value: summarize(scans.get(r.id)!),
          note: r.api,
        });
      }
      return rows;
    } finally {
      for (const r of readers) await r.close();
    }
  },
};
