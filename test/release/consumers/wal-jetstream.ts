// Uses the JetStream log under the durable store, without a server: the typed errors a user
// meets first (bad options, nothing listening), and the testing entry.
import assert from 'node:assert/strict';
import { ShardedStore } from '@hermes/store';
import { JetStreamLogError, openJetStreamLog } from '@hermes/wal-jetstream';
import { findNatsServer } from '@hermes/wal-jetstream/testing';
import { openDurableStore } from '@hermes/wal-store';

assert.throws(
  () => openJetStreamLog({ servers: 'nats://127.0.0.1:4222', replicas: 0 }),
  (e: unknown) => e instanceof JetStreamLogError && e.code === 'JETSTREAM_INVALID_OPTIONS',
);
const store = new ShardedStore();
await assert.rejects(
  openDurableStore({
    store,
    log: openJetStreamLog({ servers: 'nats://127.0.0.1:1', stream: 'consumer' }),
    compaction: false,
  }),
  (e: unknown) => e instanceof JetStreamLogError && e.code === 'JETSTREAM_UNREACHABLE',
);
assert.equal(store.size, 0);
assert.equal(typeof findNatsServer, 'function');

console.log('ok @hermes/wal-jetstream: typed errors for bad options and an unreachable server');
