import { LockedStore } from '@hermes/store';
import type { DurableHealth, DurableStats } from '@hermes/wal-store';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createMetrics } from '../src/metrics.js';
import { replicationOf, UNREACHABLE_AFTER_MS } from '../src/replication.js';
import { registerReplicationGauges } from '../src/replication-metrics.js';
import { replicaHealth } from './helpers/replica-health.js';

/** What a JetStream log adds to `stats()`. */
interface Stream {
  stream: string;
  appliedSeq: number;
  behindRecords: number;
  behindMs: number;
  lastHeardMs: number;
}

/** An in-memory store that answers `stats()` and `health()` as a replica would. */
class FakeReplica extends LockedStore {
  stream: Stream | undefined = {
    stream: 'hermes',
    appliedSeq: 42,
    behindRecords: 0,
    behindMs: 0,
    lastHeardMs: 1200,
  };
  healthy: DurableHealth = { ok: true };

  stats(): DurableStats {
    return { ...this.stream } as unknown as DurableStats;
  }
  health(): DurableHealth {
    return this.healthy;
  }
}

describe('/healthz on a replicated log', () => {
  it('answers 200 with where the replica is in its stream', async () => {
    const store = new FakeReplica();
    await store.set('a', Buffer.from('1'));
    const res = await buildApp(store).inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(replicaHealth(1, store.stream!));
  });

  it('answers 503 LOG_UNREACHABLE once the cluster was silent past the bound, and reads go on', async () => {
    const store = new FakeReplica();
    await store.set('a', Buffer.from('1'));
    store.stream!.lastHeardMs = UNREACHABLE_AFTER_MS + 1;
    const app = buildApp(store);
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: 'LOG_UNREACHABLE',
      message: expect.stringMatching(
        /has not heard from the NATS cluster of stream hermes for 18 s .* reads still work/,
      ),
    });
    expect((await app.inject({ method: 'GET', url: '/kv/a' })).body).toBe('1');
  });

  it("is healthy right at the bound (18 s: three times the log's own silence limit)", async () => {
    expect(UNREACHABLE_AFTER_MS).toBe(18_000);
    const store = new FakeReplica();
    store.stream!.lastHeardMs = UNREACHABLE_AFTER_MS;
    expect((await buildApp(store).inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('answers 503 LOG_POISONED when the log stopped, before anything about reachability', async () => {
    const store = new FakeReplica();
    store.stream!.lastHeardMs = UNREACHABLE_AFTER_MS * 2;
    store.healthy = {
      ok: false,
      code: 'JETSTREAM_BAD_MESSAGE',
      message: 'Message 7 is not a record',
    };
    const res = await buildApp(store).inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'LOG_POISONED' });
    expect(res.json().message).toContain('JETSTREAM_BAD_MESSAGE: Message 7 is not a record');
  });

  it('has no log field on a local log', async () => {
    const store = new FakeReplica();
    store.stream = undefined;
    const res = await buildApp(store).inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok', keys: 0 });
  });
});

describe('replication gauges', () => {
  it("read the replica's position at each scrape, in records and seconds", async () => {
    const store = new FakeReplica();
    store.stream = {
      stream: 's',
      appliedSeq: 9,
      behindRecords: 3,
      behindMs: 1500,
      lastHeardMs: 250,
    };
    const metrics = createMetrics();
    registerReplicationGauges(metrics.registry, () => replicationOf(store.stats()));
    const text = await metrics.registry.metrics();
    expect(text).toContain('hermes_replication_applied_seq 9\n');
    expect(text).toContain('hermes_replication_behind_records 3\n');
    expect(text).toContain('hermes_replication_behind_seconds 1.5\n');
    expect(text).toContain('hermes_replication_last_heard_seconds 0.25\n');
  });

  it('are not registered unless the service runs on a replicated log', async () => {
    expect(await createMetrics().registry.metrics()).not.toContain('hermes_replication_');
  });
});
