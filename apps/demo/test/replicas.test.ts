import { createServer } from 'node:net';
import { findNatsServer, type NatsCluster, startNatsCluster } from '@hermes/wal-jetstream/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UNREACHABLE_AFTER_MS } from '../src/replication.js';
import { type ChildService, spawnService, startChild } from './helpers/child.js';
import { http, kv } from './helpers/http.js';
import { replicaHealth } from './helpers/replica-health.js';
import { healthzUntil, putAndSee, replicaArgs, stopChildren } from './helpers/replicas.js';
import { openSse } from './helpers/sse.js';
import { connectRedis, startRedisChild } from './redis/helpers.js';

const children: ChildService[] = [];

afterEach(() => stopChildren(children));

/** Resolves with the exit code, or rejects if it takes longer than `ms`. */
function exitWithin(exited: Promise<number | string>, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${ms} ms`)), ms);
  });
  return Promise.race([exited, late]).finally(() => clearTimeout(timer));
}

/** A port nothing listens on (taken from the OS, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('--log on the command line', () => {
  it('exits 2 on a bad --log, naming the flag and the form it takes', async () => {
    const run = spawnService(['--log', 'nats://127.0.0.1']);
    expect(await exitWithin(run.exited, 30_000)).toBe(2);
    expect(run.stderr()).toMatch(/^hermes: --log "nats:\/\/127\.0\.0\.1" .* nats:\/\/host:port/);
  });

  it('exits 2 when --sync is given with a replicated log, saying why it does not apply', async () => {
    const run = spawnService(['--log', 'nats://127.0.0.1:4222', '--sync', 'always']);
    expect(await exitWithin(run.exited, 30_000)).toBe(2);
    expect(run.stderr()).toMatch(/--sync does not apply with --log nats:\/\/.*quorum/);
  });

  it('exits 4 with a message naming --log when no server of it answers', async () => {
    const url = `nats://127.0.0.1:${await closedPort()}`;
    const run = spawnService(['--log', url, '--port', '0']);
    expect(await exitWithin(run.exited, 30_000)).toBe(4);
    expect(run.stderr()).toContain(`the replicated log of --log ${url} (stream hermes)`);
    expect(run.stderr()).toMatch(/JETSTREAM_UNREACHABLE|could be reached/);
    expect(run.stderr()).toMatch(/names its client URLs/);
  });
});

const nats = findNatsServer();

describe.skipIf(nats === undefined)('replicas on a three-node NATS JetStream cluster', () => {
  let cluster: NatsCluster;
  let streams = 0;

  beforeAll(async () => {
    cluster = await startNatsCluster();
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  /** Two replicas of a fresh stream, on free ports. */
  async function twoReplicas(): Promise<[ChildService, ChildService]> {
    const args = [...replicaArgs(cluster.servers, `t${++streams}`), '--port', '0'];
    const a = await startChild(args, { timeoutMs: 60_000 });
    children.push(a);
    const b = await startChild(args, { timeoutMs: 60_000 });
    children.push(b);
    return [a, b];
  }

  it('serves on one replica a write made on the other, as it arrives on its change feed', async () => {
    const [a, b] = await twoReplicas();
    expect(a.line).toContain(`| log ${cluster.servers.join(',')} stream t${streams}`);
    expect(a.line).toContain('--data-dir not used');
    expect(a.line).toContain('sync quorum');

    const event = await putAndSee(a, b, 'users/1', 'Ada');
    expect(event?.event).toBe('set');
    expect(JSON.parse(event!.data)).toEqual({
      key: 'users/1',
      value: Buffer.from('Ada').toString('base64'),
    });
    const got = await http(b.url, 'GET', kv('users/1'));
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe('Ada');
  }, 120_000);

  it('reports the stream on both /healthz and the replication gauges on /metrics', async () => {
    const [a, b] = await twoReplicas();
    expect((await putAndSee(a, b, 'k', 'v'))?.event).toBe('set');
    for (const replica of [a, b]) {
      const health = await http(replica.url, 'GET', '/healthz');
      expect(health.status).toBe(200);
      expect(health.json()).toEqual(
        replicaHealth(1, {
          stream: `t${streams}`,
          appliedSeq: 1,
          behindRecords: 0,
          behindMs: 0,
          lastHeardMs: expect.any(Number),
        }),
      );
      const metrics = (await http(replica.url, 'GET', '/metrics')).body.toString();
      expect(metrics).toContain('hermes_replication_applied_seq 1\n');
      expect(metrics).toContain('hermes_replication_behind_records 0\n');
      expect(metrics).toContain('hermes_replication_behind_seconds 0\n');
      expect(metrics).toMatch(/^hermes_replication_last_heard_seconds \d+(\.\d+)?$/m);
    }
  }, 120_000);

  it('FLUSHDB on one replica clears every key on both, as one record both apply; FLUSHALL too', async () => {
    const args = replicaArgs(cluster.servers, `t${++streams}`);
    const a = await startRedisChild(args);
    children.push(a);
    const b = await startRedisChild(args);
    children.push(b);
    const ra = await connectRedis(a.respPort);
    const rb = await connectRedis(b.respPort);
    try {
      for (const [round, command] of ['FLUSHDB', 'FLUSHALL'].entries()) {
        // Written on A, seen on B through its change feed before B clears.
        const seen = await openSse(b.url, '/watch');
        expect((await seen.nextEvent())?.event).toBe('ready');
        expect(await ra.mset('k1', 'v1', 'k2', 'v2')).toBe('OK');
        expect((await seen.nextEvent())?.event).toBe('batch');
        seen.close();
        expect(await rb.dbsize()).toBe(2);

        const cleared = await openSse(a.url, '/watch');
        expect((await cleared.nextEvent())?.event).toBe('ready');
        expect(await rb.call(command)).toBe('OK');
        expect(await rb.dbsize()).toBe(0);
        // A applies the same record, in its place in the stream.
        expect((await cleared.nextEvent())?.event).toBe('clear');
        cleared.close();
        expect(await ra.dbsize()).toBe(0);
        expect(await ra.get('k1')).toBeNull();
        // Each round logs MSET then the clear: two records per round.
        const health = (await http(a.url, 'GET', '/healthz')).json() as {
          log: { appliedSeq: number };
        };
        expect(health.log.appliedSeq).toBe(2 * (round + 1));
      }
      expect(await ra.set('after', 'x')).toBe('OK');
      expect(await ra.get('after')).toBe('x');
    } finally {
      ra.disconnect();
      rb.disconnect();
    }
    expect(a.stderr()).not.toContain('unexpected error');
    expect(b.stderr()).not.toContain('unexpected error');
  }, 120_000);

  it("answers a value over the cluster's max_payload (1 MiB by default) with 413 VALUE_TOO_LARGE naming both sizes, storing nothing", async () => {
    const [a, b] = await twoReplicas();
    const res = await http(a.url, 'PUT', kv('big'), { body: Buffer.alloc(2 * 1024 * 1024, 1) });
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({
      error: 'VALUE_TOO_LARGE',
      message: expect.stringMatching(
        /The record is \d+ bytes .* over the server's max_payload of 1048576/,
      ),
    });
    expect((await http(a.url, 'GET', kv('big'))).status).toBe(404);
    expect((await http(b.url, 'GET', '/healthz')).json()).toMatchObject({ log: { appliedSeq: 0 } });
    expect(a.stderr()).not.toContain('Error');
  }, 120_000);

  it('replays the stream on start: a replica started later serves what was written before', async () => {
    const [a] = await twoReplicas();
    expect((await http(a.url, 'PUT', kv('k'), { body: 'v' })).status).toBe(204);
    const args = [...replicaArgs(cluster.servers, `t${streams}`), '--port', '0'];
    const c = await startChild(args, { timeoutMs: 60_000 });
    children.push(c);
    expect(c.line).toMatch(/replayed 1 record of the stream in \d+ ms$/);
    expect((await http(c.url, 'GET', kv('k'))).body.toString()).toBe('v');
  }, 120_000);

  // Last: it stops the whole cluster (and starts it again).
  it('reports the cluster unreachable on /healthz once silent past the bound, serving reads meanwhile, and healthy once it is back', async () => {
    const [a, b] = await twoReplicas();
    expect((await http(a.url, 'PUT', kv('k'), { body: 'v' })).status).toBe(204);
    await Promise.all(cluster.nodes.map((node) => node.kill('SIGKILL')));
    try {
      const health = await healthzUntil(
        a,
        (status) => status !== 200,
        UNREACHABLE_AFTER_MS + 15_000,
      );
      expect(health.status).toBe(503);
      expect(health.json()).toMatchObject({ error: 'LOG_UNREACHABLE' });
      expect((await http(a.url, 'GET', kv('k'))).body.toString()).toBe('v');
    } finally {
      await Promise.all(cluster.nodes.map((node) => node.start()));
      await cluster.ready();
    }
    expect((await healthzUntil(a, (status) => status === 200, 60_000)).status).toBe(200);
    expect((await putAndSee(a, b, 'after', 'back'))?.data).toContain('"key":"after"');
  }, 180_000);
});
