import { spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamBadMessageError, JetStreamLogError, openJetStreamLog } from '../src/index.js';
import { findNatsServer, type NatsCluster, startNatsCluster } from '../src/testing/index.js';
import { appliedSeq, bytes, caughtUp, contents, freshStream, openNode, text } from './helpers.js';

const binary = findNatsServer();

describe.skipIf(binary === undefined)('the JetStream log on a real three-node cluster', () => {
  let cluster: NatsCluster;
  beforeAll(async () => {
    cluster = await startNatsCluster();
  });
  afterAll(() => cluster?.stop());
  const on = (stream: string) => ({ servers: [...cluster.servers], stream });

  it('round trip: writes reach a stream of three replicas, and a new node replays them', async () => {
    const stream = freshStream();
    const db = await openNode(on(stream));
    await db.set('user:1', bytes('Ada'));
    await db.set('user:2', bytes('Grace'));
    await db.batch([
      { type: 'set', key: 'user:3', value: bytes('Barbara') },
      { type: 'delete', key: 'user:2' },
    ]);
    expect(await db.delete('user:9')).toBe(false);
    expect(await db.putIfAbsent('user:1', bytes('other'))).toBe(false);
    // A caller reads its own write back on the node it wrote to, as soon as it resolved.
    expect(text(db.get('user:1'))).toBe('Ada');
    expect(db.stats()).toMatchObject({ stream, appliedSeq: 4, poisoned: null });
    const written = contents(db);
    await db.close();

    const nc = await connect({ servers: [...cluster.servers] });
    const info = await (await jetstreamManager(nc)).streams.info(stream);
    await nc.close();
    expect(info.config.num_replicas).toBe(3);
    expect(info.state.messages).toBe(4);

    // Each node of the cluster can serve a new replica: connect to one node only.
    for (const node of cluster.nodes) {
      const again = await openNode({ servers: node.url, stream });
      expect(again.report.records).toBe(4);
      expect(contents(again)).toEqual(written);
      expect(written).toEqual([
        ['user:1', 'Ada'],
        ['user:3', 'Barbara'],
      ]);
      await again.close();
    }
  });

  it('two nodes on one stream converge after concurrent unconditional writes from both', async () => {
    const stream = freshStream();
    const a = await openNode(on(stream));
    const b = await openNode({ servers: cluster.nodes[2]!.url, stream });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const key = `k${i % 17}`;
      writes.push(a.set(key, bytes(`a${i}`)));
      writes.push(b.set(key, bytes(`b${i}`)));
      if (i % 7 === 0) writes.push(a.delete(`k${(i + 3) % 17}`));
      if (i % 11 === 0) {
        writes.push(
          b.batch([
            { type: 'set', key: `k${(i + 5) % 17}`, value: bytes(`batch${i}`) },
            { type: 'delete', key: `k${(i + 6) % 17}` },
          ]),
        );
      }
    }
    await Promise.all(writes);
    // Each node has applied its own writes; the other's last ones may still be on their way:
    // a fresh replica replays the whole stream, and both must reach exactly its state.
    const reference = await openNode(on(stream));
    const last = appliedSeq(reference);
    // Appends called in the same turn share one message: fewer messages than writes.
    expect(last).toBeGreaterThan(1);
    expect(last).toBeLessThan(writes.length);
    await Promise.all([a, b].map((db) => caughtUp(db, last)));
    expect(contents(a)).toEqual(contents(reference));
    expect(contents(b)).toEqual(contents(reference));
    await Promise.all([a.close(), b.close(), reference.close()]);
  });

  it('writes from one node reach the stream in call order, and resolve in it', async () => {
    const stream = freshStream();
    const db = await openNode(on(stream));
    const resolved: number[] = [];
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        db.set('counter', bytes(String(i))).then(() => resolved.push(i)),
      ),
    );
    expect(resolved).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(text(db.get('counter'))).toBe('499');
    const replica = await openNode(on(stream));
    expect(text(replica.get('counter'))).toBe('499');
    await Promise.all([db.close(), replica.close()]);
  });

  it('a write on one node is applied on the other, and its watchers hear of it', async () => {
    const stream = freshStream();
    const a = await openNode(on(stream));
    const b = await openNode(on(stream));
    const changes = b.watch({ prefix: 'greeting' });
    await a.set('greeting', bytes('hello from a'));
    const change = await changes.next();
    expect(change.value).toMatchObject({ type: 'set', key: 'greeting' });
    expect(text(b.get('greeting'))).toBe('hello from a');
    await changes.return?.();
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a record over the server max_payload before sending it', async () => {
    const stream = freshStream();
    const db = await openNode(on(stream));
    const huge = new Uint8Array(2 * 1024 * 1024);
    await expect(db.set('big', huge)).rejects.toMatchObject({ code: 'JETSTREAM_TOO_LARGE' });
    expect(db.has('big')).toBe(false);
    expect(appliedSeq(db)).toBe(0);
    await db.close();
  });

  it('stops at a foreign message with a typed error naming its sequence, never skipping it', async () => {
    const stream = freshStream();
    const db = await openNode(on(stream));
    await db.set('a', bytes('1'));
    await db.close();
    const nc = await connect({ servers: [...cluster.servers] });
    const js = (await jetstreamManager(nc)).jetstream();
    await js.publish(`hermes.${stream}.log`, 'not a hermes record\n');
    await nc.close();
    const failure = await openNode(on(stream)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JetStreamBadMessageError);
    expect(failure).toMatchObject({ code: 'JETSTREAM_BAD_MESSAGE', seq: 2 });
  });

  it('a node that follows a stream refuses writes once a foreign message arrives', async () => {
    const stream = freshStream();
    const db = await openNode(on(stream));
    const poisoned = new Promise<Error>((resolve) => db.once('poisoned', resolve));
    const nc = await connect({ servers: [...cluster.servers] });
    await (await jetstreamManager(nc))
      .jetstream()
      .publish(`hermes.${stream}.log`, new Uint8Array([1, 2, 3]));
    await nc.close();
    expect(await poisoned).toMatchObject({ code: 'JETSTREAM_BAD_MESSAGE', seq: 1 });
    expect(db.health()).toMatchObject({ ok: false, code: 'JETSTREAM_BAD_MESSAGE' });
    await expect(db.set('a', bytes('1'))).rejects.toMatchObject({ code: 'JETSTREAM_BAD_MESSAGE' });
    await db.close();
  });
});

describe.skipIf(binary === undefined)('openJetStreamLog on a server without JetStream', () => {
  it('rejects with JETSTREAM_UNREACHABLE saying JetStream is off, naming the server', async () => {
    const port = await freePort();
    const server = spawn(binary!, ['-a', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let log = '';
        server.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
          log += chunk;
          if (log.includes('Server is ready')) resolve();
        });
        server.once('exit', (code) => reject(new Error(`nats-server exited ${code}: ${log}`)));
      });
      const url = `nats://127.0.0.1:${port}`;
      const failure = await openNode({ servers: url, stream: 'x' }).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(JetStreamLogError);
      expect(failure).toMatchObject({
        code: 'JETSTREAM_UNREACHABLE',
        message: expect.stringMatching(/answers, but without JetStream: start it with -js/),
      });
      expect((failure as Error).message).toContain(url);
    } finally {
      server.kill('SIGKILL');
    }
  });
});

/** A port nothing listens on now (taken from the OS, then freed). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('openJetStreamLog without a server', () => {
  it('rejects an unreachable server with JETSTREAM_UNREACHABLE, naming it', async () => {
    const failure = await openNode({ servers: 'nats://127.0.0.1:1', stream: 'x' }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(JetStreamLogError);
    expect(failure).toMatchObject({ code: 'JETSTREAM_UNREACHABLE' });
    expect((failure as Error).message).toContain('nats://127.0.0.1:1');
  });

  it('throws JETSTREAM_INVALID_OPTIONS at once for bad options', () => {
    expect(() => openJetStreamLog({})).toThrow(
      expect.objectContaining({ code: 'JETSTREAM_INVALID_OPTIONS' }),
    );
    expect(() => openJetStreamLog({ servers: 'nats://x', stream: 'a.b' })).toThrow(/stream/);
    expect(() => openJetStreamLog({ servers: 'nats://x', replicas: 0 })).toThrow(/replicas/);
  });
});
