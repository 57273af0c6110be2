import { ShardedStore, type Store } from '@hermes/store';
import { storeSuite } from '@hermes/store/testing';
import { DEFAULT_LIMITS } from '@hermes/wal';
import { type DurableStore, openDurableStore } from '@hermes/wal-store';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe } from 'vitest';
import { openJetStreamLog } from '../src/index.js';
import { findNatsServer, type NatsCluster, startNatsCluster } from '../src/testing/index.js';
import { StreamPool } from './stream-pool.js';

const binary = findNatsServer();

/** Streams being made at once ahead of the suite's need (see `StreamPool`): 6 keep up with it. */
const POOL_DEPTH = 6;

describe.skipIf(binary === undefined)('the store contract on a replicated log', () => {
  let cluster: NatsCluster;
  // One connection for every store of the file (the log never closes a connection it is
  // given), so that a store costs a stream, not a connection too.
  let nc: NatsConnection;
  let pool: StreamPool;
  const streamOf = new WeakMap<Store, string>();

  /** A node (a durable store, compaction off) on `stream`, replaying what it holds. */
  function open(stream: string): Promise<DurableStore<ShardedStore>> {
    return openDurableStore({
      store: new ShardedStore(),
      log: openJetStreamLog({ connection: nc, stream }),
      compaction: false,
    });
  }

  beforeAll(async () => {
    cluster = await startNatsCluster();
    nc = await connect({ servers: [...cluster.servers] });
    // Opening a store on a missing stream creates it (three replicas) and its snapshot bucket.
    pool = new StreamPool(
      await jetstreamManager(nc),
      async (s) => (await open(s)).close(),
      POOL_DEPTH,
    );
  });
  afterAll(async () => {
    await pool?.close();
    await nc?.close();
    await cluster?.stop();
  });

  storeSuite(
    'durable store on a JetStream log (three-node cluster, a fresh stream per store)',
    async () => {
      const stream = await pool.take();
      const store = await open(stream);
      streamOf.set(store, stream);
      return store;
    },
    {
      // Fewer fast-check runs than the in-memory stores get (100): every run takes a stream.
      concurrencyRuns: 25,
      modelRuns: 25,
      // The log's codec caps keys; the store refuses longer ones as any invalid key.
      maxKeyBytes: DEFAULT_LIMITS.maxKeyBytes,
      dispose: (store) => {
        const stream = streamOf.get(store);
        if (stream !== undefined) pool.drop(stream);
      },
      // Compaction writes a snapshot to the stream's object store and purges below its cut.
      compact: (store) => (store as DurableStore).compact(),
      // Another node on the same stream: it replays the stream (from its newest snapshot).
      reopen: async (store) => {
        await store.close();
        return open(streamOf.get(store)!);
      },
    },
  );
});
