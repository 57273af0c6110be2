import { findNatsServer, type NatsCluster, startNatsCluster } from '@hermes/wal-jetstream/testing';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChildService } from './helpers/child.js';
import { ReplicaWorkload } from './helpers/replica-workload.js';
import {
  appliedSeqOf,
  contentsOf,
  putAndSeeOnEach,
  replicaArgs,
  stopChildren,
} from './helpers/replicas.js';
import { connectRedis, type RedisChild, startRedisChild } from './redis/helpers.js';

/** HTTP owners (each writing its own keys) and Redis clients per replica. */
const HTTP_OWNERS = 4;
const REDIS_CLIENTS = 2;
/** Counters the Redis clients of every replica `INCR`. */
const COUNTERS = 2;
/** Acknowledged writes a phase waits for: before the kill, after it, after the restart. */
const PHASE_ACKS = 60;

const nats = findNatsServer();
const children: ChildService[] = [];
const redisClients: Redis[] = [];

afterEach(async () => {
  for (const redis of redisClients.splice(0)) redis.disconnect();
  await stopChildren(children);
});

describe.skipIf(nats === undefined)('a replica SIGKILLed under writes of every kind', () => {
  let cluster: NatsCluster;

  beforeAll(async () => {
    cluster = await startNatsCluster();
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('restarted, catches up to the stream; every replica then holds the same data, which every acknowledged write explains', async () => {
    const seed = Number(process.env['HERMES_REPLICA_SEED'] ?? Date.now() % 1_000_000);
    const args = replicaArgs(cluster.servers, 'kill');
    const start = async (): Promise<RedisChild> => {
      const replica = await startRedisChild(args);
      children.push(replica);
      return replica;
    };
    const [a, b, c] = [await start(), await start(), await start()];

    // Clients of every replica write at once, none waiting for another's answer.
    const load = new ReplicaWorkload();
    const run = async (group: string, replica: RedisChild, clientSeed: number) => {
      const redis = await Promise.all(
        Array.from({ length: REDIS_CLIENTS }, () => connectRedis(replica.respPort)),
      );
      redisClients.push(...redis);
      for (const client of redis) client.on('error', () => {}); // the SIGKILL: commands reject
      await Promise.all([
        load.runHttpOwners(group, replica.url, HTTP_OWNERS, clientSeed),
        ...redis.map((client, i) =>
          load.runRedisClient(group, client, COUNTERS, clientSeed + 100 + i),
        ),
      ]);
    };
    const running = [run('a', a, seed), run('b', b, seed + 1000), run('c', c, seed + 2000)];
    // Awaited below; a failure before that is the test's, not an unhandled rejection.
    for (const clients of running) clients.catch(() => {});

    await load.acksBeyondNow('c', PHASE_ACKS);
    c.child.kill('SIGKILL');
    expect(await c.exited).toBe('SIGKILL');
    // Its clients lost their connections; those of the other replicas write on.
    await running[2];
    await Promise.all([load.acksBeyondNow('a', PHASE_ACKS), load.acksBeyondNow('b', PHASE_ACKS)]);

    // Same flags: it replays the stream, then follows it while the others still take writes.
    const again = await start();
    expect(again.line).toMatch(/replayed \d+ records? of the stream in \d+ ms$/);
    await Promise.all([load.acksBeyondNow('a', PHASE_ACKS), load.acksBeyondNow('b', PHASE_ACKS)]);
    load.stop();
    await Promise.all(running);

    // The last message of the stream, written on the restarted replica: each replica that sees
    // it on its change feed has applied the whole stream.
    const seen = await putAndSeeOnEach(again, [a, b, again], 'fence', 'last');
    for (const event of seen) expect(event?.event).toBe('set');
    const last = await appliedSeqOf(again);
    expect([await appliedSeqOf(a), await appliedSeqOf(b)]).toEqual([last, last]);
    // Writes called in one turn share a message, so the stream holds fewer messages than
    // acknowledged writes; that each of them is there is what load.check() below proves.
    expect(last).toBeGreaterThan(1);

    const contents = await contentsOf(a);
    expect(await contentsOf(b)).toEqual(contents);
    expect(await contentsOf(again)).toEqual(contents);
    expect(contents.get('fence')).toBe('last');
    contents.delete('fence');
    expect(load.check(contents), `seed ${seed}`).toEqual([]);
    for (const replica of [a, b, again]) expect(replica.stderr()).not.toContain('unexpected error');
  }, 180_000);
});
