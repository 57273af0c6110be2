import { encodeRecord } from '@hermes/record';
import { ShardedStore } from '@hermes/store';
import { openJetStreamLog } from '@hermes/wal-jetstream';
import { findNatsServer, type NatsCluster, startNatsCluster } from '@hermes/wal-jetstream/testing';
import { type DurableStore, openDurableStore } from '@hermes/wal-store';
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { keyOf, valuePool } from '../core/data.js';
import { driveFor, rateOf } from '../core/drive.js';
import { LatencyRecorder } from '../core/latency.js';
import { type Contender, race } from '../core/race.js';
import { summarize } from '../core/stats.js';
import type { Context, Row, Scenario } from '../types.js';

/** Keys the read rows read from (written first); fewer on a smoke run. */
const readKeys = (ctx: Context): number => (ctx.profile.name === 'smoke' ? 500 : 10_000);
/** Callers of the lag row (the heaviest write load of the grid). */
const LAG_CALLERS = 256;

let streams = 0;
/** A stream (or bucket) name no other row of this run uses. */
function fresh(kind: string, n: number): string {
  return `bench_${kind}_${n}_${process.pid}_${++streams}`;
}

/** Deletes a stream, ignoring one already gone (a bucket's stream is `KV_<name>` / `OBJ_<name>`). */
async function dropStream(nc: NatsConnection, name: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(name).catch(() => false);
}

/** Deletes a replicated store's stream and its snapshot bucket (`<stream>-snap`). */
async function dropReplicated(nc: NatsConnection, stream: string): Promise<void> {
  await dropStream(nc, stream);
  await dropStream(nc, `OBJ_${stream}-snap`);
}

/** A durable store on a fresh three-replica stream of `cluster`. */
function openReplicated(cluster: NatsCluster, stream: string): Promise<DurableStore> {
  return openDurableStore({
    store: new ShardedStore(),
    log: openJetStreamLog({ servers: [...cluster.servers], stream }),
    compaction: false,
  });
}

/** Hermes replicated `set` (100-byte values): resolves once JetStream acknowledged it and it applied. */
function hermesContender(cluster: NatsCluster, nc: NatsConnection): Contender {
  return {
    id: 'replicated.hermes',
    group: 'replicated',
    label: 'Hermes replicated set (JetStream R3)',
    series: 'Hermes replicated set',
    async open(_ctx, n) {
      const stream = fresh('hermes', n);
      const store = await openReplicated(cluster, stream);
      const values = valuePool(100);
      return {
        op: (_w, seq) => store.set(keyOf(seq), values[seq & 63]!),
        async close() {
          await store.close();
          await dropReplicated(nc, stream);
          return undefined;
        },
      };
    },
  };
}

/**
 * The physical limit of this engine here: a bare `@nats-io/jetstream` publish loop on a stream of
 * three replicas, each message the bytes Hermes publishes for the same `set` (its record line).
 */
function publishContender(nc: NatsConnection): Contender {
  return {
    id: 'replicated.publish',
    group: 'replicated',
    label: 'bare JetStream publish (R3), same bytes',
    series: 'bare JetStream publish',
    async open(_ctx, n) {
      const stream = fresh('publish', n);
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({
        name: stream,
        subjects: [`${stream}.>`],
        num_replicas: 3,
        storage: StorageType.File,
      });
      const js = jsm.jetstream();
      const values = valuePool(100);
      const subject = `${stream}.log`;
      return {
        op: (_w, seq) =>
          js.publish(
            subject,
            encodeRecord({ type: 'set', key: keyOf(seq), value: values[seq & 63]! }),
          ),
        async close() {
          await dropStream(nc, stream);
          return undefined;
        },
      };
    },
  };
}

/** NATS's own key-value bucket (`kv.put`, three replicas): the peer. */
function kvContender(nc: NatsConnection): Contender {
  return {
    id: 'replicated.kv-put',
    group: 'replicated',
    label: 'NATS KV put (R3)',
    series: 'NATS KV put',
    async open(_ctx, n) {
      const bucket = fresh('kv', n);
      const kv = await new Kvm(nc).create(bucket, { replicas: 3 });
      const values = valuePool(100);
      return {
        op: (_w, seq) => kv.put(keyOf(seq), values[seq & 63]!),
        async close() {
          await dropStream(nc, `KV_${bucket}`);
          return undefined;
        },
      };
    },
  };
}

/**
 * Reads from a replica (memory) beside `kv.get` (a round trip to the cluster), rounds
 * interleaved, over keys written first.
 */
async function readRows(ctx: Context, cluster: NatsCluster, nc: NatsConnection): Promise<Row[]> {
  const stream = fresh('reads', 1);
  const bucket = fresh('kvreads', 1);
  const store = await openReplicated(cluster, stream);
  const kv = await new Kvm(nc).create(bucket, { replicas: 3 });
  const READ_KEYS = readKeys(ctx);
  try {
    const values = valuePool(100);
    ctx.status(`reads: writing ${READ_KEYS} keys`);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < READ_KEYS; i++) {
      writes.push(store.set(keyOf(i), values[i & 63]!), kv.put(keyOf(i), values[i & 63]!));
    }
    await Promise.all(writes);
    const hermes: number[] = [];
    const peer: number[] = [];
    const seq = { next: 0 };
    const kvGet = async (_w: number, i: number) => {
      const entry = await kv.get(keyOf(i % READ_KEYS));
      if (entry === null) throw new Error(`kv.get lost key ${keyOf(i % READ_KEYS)}`);
    };
    await driveFor(1, ctx.profile.warmupMs, kvGet, seq);
    for (let r = 0; r < ctx.profile.rounds; r++) {
      ctx.status(`reads round ${r + 1}`);
      hermes.push(
        rateOf(ctx.profile.roundMs, (i) => {
          if (store.get(keyOf(i % READ_KEYS)) === undefined) throw new Error('a read missed');
        }),
      );
      const res = await driveFor(1, ctx.profile.roundMs, kvGet, seq);
      peer.push((res.ops * 1000) / res.elapsedMs);
    }
    const row = (id: string, label: string, rates: number[]): Row => ({
      id,
      group: 'replicated',
      label,
      unit: 'ops/s',
      higherIsBetter: true,
      value: summarize(rates),
      concurrency: 1,
      race: 'replicated.reads',
    });
    return [
      row('replicated.get', 'Hermes replica get (memory), N=1', hermes),
      row('replicated.kv-get', 'NATS KV get (R3), N=1', peer),
    ];
  } finally {
    await store.close();
    await dropReplicated(nc, stream);
    await dropStream(nc, `KV_${bucket}`);
  }
}

/**
 * Replication lag under the heaviest write load: `LAG_CALLERS` callers write through node A while
 * node B follows; for each write, the time from A's acknowledgement to B applying it (0 when B
 * applied it first). Reported per round as its p99, with percentiles over every write.
 */
async function lagRow(ctx: Context, cluster: NatsCluster, nc: NatsConnection): Promise<Row> {
  const stream = fresh('lag', LAG_CALLERS);
  const a = await openReplicated(cluster, stream);
  const b = await openReplicated(cluster, stream);
  const acked = new Map<string, number>();
  const seenFirst = new Set<string>();
  let round = new LatencyRecorder();
  const all = new LatencyRecorder();
  const stop = b.onApplied((keys) => {
    if (keys === 'every key') return;
    const now = performance.now();
    for (const key of keys) {
      const at = acked.get(key);
      if (at === undefined) {
        seenFirst.add(key);
        continue;
      }
      acked.delete(key);
      round.add(now - at);
      all.add(now - at);
    }
  });
  try {
    const values = valuePool(100);
    const seq = { next: 0 };
    const op = async (_w: number, i: number) => {
      const key = keyOf(i);
      await a.set(key, values[i & 63]!);
      if (seenFirst.delete(key)) {
        round.add(0);
        all.add(0);
      } else acked.set(key, performance.now());
    };
    await driveFor(LAG_CALLERS, ctx.profile.warmupMs, op, seq);
    const p99s: number[] = [];
    for (let r = 0; r < ctx.profile.rounds; r++) {
      ctx.status(`lag round ${r + 1}`);
      round = new LatencyRecorder();
      await driveFor(LAG_CALLERS, ctx.profile.roundMs, op, seq);
      await b.sync();
      const p99 = round.percentiles()?.p99;
      if (p99 === undefined) throw new Error(`lag round ${r + 1}: no write reached node B`);
      p99s.push(p99);
    }
    const latency = all.percentiles();
    return {
      id: `replicated.lag.n${LAG_CALLERS}`,
      group: 'replicated',
      label: `replication lag (A acknowledged -> B applied) under N=${LAG_CALLERS} writes, p99`,
      unit: 'ms',
      higherIsBetter: false,
      value: summarize(p99s),
      ...(latency ? { latency } : {}),
      concurrency: LAG_CALLERS,
      note: `${acked.size} writes not yet applied on B when the row ended`,
    };
  } finally {
    stop();
    await Promise.all([a.close(), b.close()]);
    await dropReplicated(nc, stream);
  }
}

/** Every row id of the scenario, for skipped rows. */
function skippedRows(concurrency: readonly number[], why: string): Row[] {
  const rows: Row[] = [];
  for (const n of concurrency) {
    for (const id of ['replicated.hermes', 'replicated.publish', 'replicated.kv-put']) {
      rows.push({
        id: `${id}.n${n}`,
        group: 'replicated',
        label: `${id}, N=${n}`,
        unit: 'ops/s',
        higherIsBetter: true,
        concurrency: n,
        skipped: why,
      });
    }
  }
  for (const id of ['replicated.get', 'replicated.kv-get']) {
    rows.push({
      id,
      group: 'replicated',
      label: id,
      unit: 'ops/s',
      higherIsBetter: true,
      skipped: why,
    });
  }
  rows.push({
    id: `replicated.lag.n${LAG_CALLERS}`,
    group: 'replicated',
    label: 'replication lag p99',
    unit: 'ms',
    higherIsBetter: false,
    skipped: why,
  });
  return rows;
}

/**
 * The replicated store on a local three-node NATS cluster (`nats-server` from the PATH): `set`
 * at each concurrency raced against a bare JetStream publish loop (the engine's limit here) and
 * NATS KV `put`; replica reads beside `kv.get`; replication lag under load.
 */
export const replicatedScenario: Scenario = {
  id: 'replicated',
  group: 'replicated',
  async run(ctx) {
    const concurrency = ctx.profile.concurrency;
    if (findNatsServer() === undefined) {
      return skippedRows(
        concurrency,
        'nats-server not found: apt-get install nats-server (bash .ci/run installs it)',
      );
    }
    ctx.status('starting a three-node NATS cluster');
    const cluster = await startNatsCluster();
    // The peers' connection skips async traces as the log's own does: the same client cost.
    const nc = await connect({ servers: [...cluster.servers], noAsyncTraces: true });
    try {
      const contenders = [hermesContender(cluster, nc), publishContender(nc), kvContender(nc)];
      const rows: Row[] = [];
      for (const n of concurrency) {
        rows.push(...(await race(ctx, contenders, n, `replicated.n${n}`)));
      }
      rows.push(...(await readRows(ctx, cluster, nc)));
      rows.push(await lagRow(ctx, cluster, nc));
      return rows;
    } finally {
      await nc.close();
      await cluster.stop();
    }
  },
};
