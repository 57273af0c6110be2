import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNatsServer, type NatsCluster, startNatsCluster } from '../src/testing/index.js';
import { appliedSeq, bytes, caughtUp, contents, freshStream, openNode, text } from './helpers.js';

const binary = findNatsServer();

/**
 * Conditional writes across nodes: `putIfAbsent`, `compareAndSet` and `update` check memory and
 * append only if no record got into the stream since the state they checked (JetStream's expected
 * last sequence), so they are linearizable per key across nodes, and a lost check appends nothing.
 */
describe.skipIf(binary === undefined)('conditional writes on a real three-node cluster', () => {
  let cluster: NatsCluster;
  beforeAll(async () => {
    cluster = await startNatsCluster();
  });
  afterAll(() => cluster?.stop());

  /** `count` nodes on one fresh stream, each connected to a different server of the cluster. */
  async function nodes(count: number) {
    const stream = freshStream();
    const opened = [];
    for (let i = 0; i < count; i++) {
      opened.push(await openNode({ servers: cluster.nodes[i % 3]!.url, stream }));
    }
    return { stream, nodes: opened };
  }

  /** Messages in `stream`, as the servers count them. */
  async function messagesIn(stream: string): Promise<number> {
    const nc = await connect({ servers: [...cluster.servers] });
    try {
      return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
    } finally {
      await nc.close();
    }
  }

  it('putIfAbsent raced on one key from three nodes: exactly one wins, exactly one record', async () => {
    const { stream, nodes: dbs } = await nodes(3);
    for (let round = 0; round < 10; round++) {
      const key = `lock:${round}`;
      const wins = await Promise.all(
        dbs.flatMap((db, n) => [0, 1].map((k) => db.putIfAbsent(key, bytes(`node${n}.${k}`)))),
      );
      expect(wins.filter(Boolean), `round ${round}: ${JSON.stringify(wins)}`).toHaveLength(1);
    }
    expect(await messagesIn(stream)).toBe(10);
    const last = 10;
    await Promise.all(dbs.map((db) => caughtUp(db, last)));
    const [first, ...rest] = dbs.map(contents);
    for (const other of rest) expect(other).toEqual(first);
    expect(first).toHaveLength(10);
    await Promise.all(dbs.map((db) => db.close()));
  });

  it('increments through update from three nodes at once lose none (read-modify-write is linearizable)', async () => {
    const { stream, nodes: dbs } = await nodes(3);
    const perNode = 40;
    const increment = (db: (typeof dbs)[number]) =>
      db.update(['counter'], (read) => {
        const now = Number(text(read('counter')) ?? '0');
        return {
          ops: [{ type: 'set', key: 'counter', value: bytes(String(now + 1)) }],
          result: now + 1,
        };
      });
    const results = await Promise.all(
      dbs.flatMap((db) => Array.from({ length: perNode }, () => increment(db))),
    );
    // Every increment saw a distinct value: none was lost or applied twice.
    expect(new Set(results).size).toBe(3 * perNode);
    expect(Math.max(...results)).toBe(3 * perNode);
    expect(await messagesIn(stream)).toBe(3 * perNode);
    await Promise.all(dbs.map((db) => caughtUp(db, 3 * perNode)));
    for (const db of dbs) expect(text(db.get('counter'))).toBe(String(3 * perNode));
    await Promise.all(dbs.map((db) => db.close()));
  });

  it('compareAndSet across nodes: a check against a value another node replaced fails and appends nothing', async () => {
    const { stream, nodes: dbs } = await nodes(2);
    const [a, b] = dbs as [(typeof dbs)[number], (typeof dbs)[number]];
    let expected = 0;
    for (let round = 0; round < 10; round++) {
      const key = `k${round}`;
      await a.set(key, bytes('v1'));
      expected++;
      await caughtUp(b, expected);
      // b replaces the value while a checks the old one, before it has heard of b's write: a's
      // swap either lands first (then b's write follows it) or fails; either way b's value wins.
      const replaced = b.set(key, bytes('v2'));
      const swapped = await a.compareAndSet(key, bytes('v1'), bytes('from-a'));
      await replaced;
      expected += swapped ? 2 : 1;
      expect(await messagesIn(stream), `round ${round}, swapped: ${swapped}`).toBe(expected);
      await Promise.all(dbs.map((db) => caughtUp(db, expected)));
      for (const db of dbs) expect(text(db.get(key)), `round ${round}`).toBe('v2');
    }
    // Sequentially, the check sees the other node's write once it applied it.
    expect(await a.compareAndSet('k0', bytes('v1'), bytes('late'))).toBe(false);
    expect(await a.compareAndSet('k0', bytes('v2'), bytes('late'))).toBe(true);
    await caughtUp(b, expected + 1);
    expect(text(b.get('k0'))).toBe('late');
    await Promise.all(dbs.map((db) => db.close()));
  });

  it('conditional writes mixed with unconditional ones and batches from every node converge to one state', async () => {
    const { stream, nodes: dbs } = await nodes(3);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const db = dbs[i % 3]!;
      writes.push(db.set(`k${i % 5}`, bytes(`set${i}`)));
      writes.push(db.putIfAbsent(`p${i % 7}`, bytes(`first${i}`)));
      writes.push(db.compareAndSet(`k${i % 5}`, bytes(`set${i - 3}`), bytes(`cas${i}`)));
      if (i % 6 === 0) {
        writes.push(
          db.batch([
            { type: 'set', key: `k${(i + 1) % 5}`, value: bytes(`batch${i}`) },
            { type: 'delete', key: `p${i % 7}` },
          ]),
        );
      }
    }
    await Promise.all(writes);
    const reference = await openNode({ servers: [...cluster.servers], stream });
    const last = appliedSeq(reference);
    expect(last).toBe(await messagesIn(stream));
    await Promise.all(dbs.map((db) => caughtUp(db, last)));
    for (const db of dbs) expect(contents(db)).toEqual(contents(reference));
    await Promise.all([...dbs, reference].map((db) => db.close()));
  });
});
