import { DEFAULT_LIMITS } from '@hermes/record';
import { jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JetStreamLogStats } from '../src/index.js';
import { bucketOf, SnapshotStore } from '../src/snapshots.js';
import { findNatsServer, type NatsCluster, startNatsCluster } from '../src/testing/index.js';
import {
  appliedSeq,
  bytes,
  caughtUp,
  contents,
  freshStream,
  openNode,
  retryCompaction,
  retryUntilAcknowledged,
  text,
} from './helpers.js';

const binary = findNatsServer();

/** The stream's state: how many messages it holds, and on which subjects. */
async function streamState(nc: NatsConnection, stream: string) {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream, { subjects_filter: '>' });
  return { messages: info.state.messages, subjects: info.state.subjects ?? {} };
}

/** Names of the objects in the stream's snapshot bucket. */
async function objects(nc: NatsConnection, stream: string): Promise<string[]> {
  const bucket = await new Objm(nc).open(bucketOf(stream));
  return (await bucket.list()).map((info) => info.name).sort();
}

describe.skipIf(binary === undefined)('compaction of a replicated log', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  beforeAll(async () => {
    cluster = await startNatsCluster();
    nc = await connect({ servers: [...cluster.servers] });
  });
  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });
  const on = (stream: string) => ({ servers: [...cluster.servers], stream });

  /**
   * A closed stream whose one snapshot holds `keys` keys of 100 bytes: the snapshot object's name,
   * its bucket, the name of the bucket's stream and the subject of its chunks.
   */
  async function compactedStream(stream: string, keys: number) {
    const a = await openNode(on(stream));
    const value = bytes('v'.repeat(100));
    await Promise.all(Array.from({ length: keys }, (_, i) => a.set(`k${i}`, value)));
    await a.compact();
    await a.close();
    const [name] = await objects(nc, stream);
    const bucket = bucketOf(stream);
    const info = (await (await new Objm(nc).open(bucket)).info(name!))!;
    return {
      name: name!,
      chunks: info.chunks,
      bucketStream: `OBJ_${bucket}`,
      chunkSubject: `$O.${bucket}.C.${info.nuid}`,
    };
  }

  it('writes a snapshot to the object store, purges the records below it, and a new node starts from it plus the tail', async () => {
    const stream = freshStream();
    const a = await openNode(on(stream));
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 40; i++) await a.set(`k${i}`, bytes(`${round}:${i}`));
    }
    await a.delete('k0');
    const before = (a.stats() as unknown as JetStreamLogStats).logBytes;
    const report = await a.compact();
    expect(report).toMatchObject({ entries: 39, bytesBefore: before });
    expect(report.bytesAfter).toBeLessThan(before / 3);
    expect(a.stats()).toMatchObject({ snapshotBytes: report.bytesAfter });
    // 201 records went; the marker stays (markers are never purged).
    expect(await streamState(nc, stream)).toEqual({
      messages: 1,
      subjects: { [`hermes.${stream}.snap`]: 1 },
    });
    expect(await objects(nc, stream)).toHaveLength(1);

    await a.set('k1', bytes('after'));
    await a.set('new', bytes('tail'));
    const fresh = await openNode(on(stream));
    expect(fresh.report).toMatchObject({ fromSnapshot: true, records: appliedSeq(a) });
    expect(contents(fresh)).toEqual(contents(a));
    expect(text(fresh.get('k1'))).toBe('after');
    expect(fresh.has('k0')).toBe(false);
    await Promise.all([a.close(), fresh.close()]);
  });

  it('a compaction cut at the first sequence (an empty stream) purges nothing: a record that landed after the cut stays', async () => {
    const stream = freshStream();
    const a = await openNode(on(stream));
    // As if a compaction of the empty stream cut at 1, then this write landed before its marker.
    await a.set('after-the-cut', bytes('kept'));
    const snapshots = new SnapshotStore({
      nc,
      jsm: await jetstreamManager(nc),
      stream,
      logSubject: `hermes.${stream}.log`,
      markerSubject: `hermes.${stream}.snap`,
      replicas: 3,
      limits: DEFAULT_LIMITS,
    });
    expect(await snapshots.install(1, async () => {})).toMatchObject({ installed: true });
    expect((await streamState(nc, stream)).subjects).toEqual({
      [`hermes.${stream}.log`]: 1,
      [`hermes.${stream}.snap`]: 1,
    });
    const fresh = await openNode(on(stream));
    expect(fresh.report.fromSnapshot).toBe(true);
    expect(contents(fresh)).toEqual([['after-the-cut', 'kept']]);
    await Promise.all([a.close(), fresh.close()]);
  });

  it('keeps every acknowledged write of two nodes writing while both compact, and keeps one snapshot', async () => {
    const stream = freshStream();
    const a = await openNode(on(stream));
    const b = await openNode(on(stream));
    const acknowledged = new Map<string, string>();
    const writes: Promise<unknown>[] = [];
    const write = (db: typeof a, key: string, value: string) =>
      writes.push(db.set(key, bytes(value)).then(() => acknowledged.set(key, value)));
    for (let i = 0; i < 100; i++) write(i % 2 === 0 ? a : b, `k${i}`, `v${i}`);
    await Promise.all(writes);
    const compactions = [a.compact(), b.compact()];
    for (let i = 100; i < 300; i++) write(i % 2 === 0 ? a : b, `k${i % 150}`, `w${i}`);
    await Promise.all([...writes, ...compactions]);
    await a.compact();
    // The last message is a record, which every node's applied-write listener hears of.
    await b.set('last', bytes('record'));

    const fresh = await openNode(on(stream));
    expect(fresh.report.fromSnapshot).toBe(true);
    const last = appliedSeq(fresh);
    await Promise.all([caughtUp(a, last), caughtUp(b, last)]);
    expect(contents(a)).toEqual(contents(fresh));
    expect(contents(b)).toEqual(contents(fresh));
    // Each key holds one of the values acknowledged for it (the last by stream order).
    expect(fresh.size).toBe(151);
    for (const [key, value] of contents(fresh).filter(([key]) => key !== 'last')) {
      expect([acknowledged.get(key), `v${key.slice(1)}`]).toContain(value);
    }
    // The older snapshots' objects are deleted once a newer one is named.
    expect(await objects(nc, stream)).toHaveLength(1);
    await Promise.all([a.close(), b.close(), fresh.close()]);
  });

  it('a node that fell behind a compaction loads the snapshot and catches up', async () => {
    const stream = freshStream();
    const third = cluster.nodes[2]!;
    const a = await openNode({ ...on(stream), servers: cluster.nodes[0]!.url });
    // b talks to the third server only (no fail-over to the others the cluster announces).
    const b = await openNode({
      ...on(stream),
      servers: third.url,
      connectOptions: {
        ignoreClusterUpdates: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 200,
      },
    });
    await a.set('early', bytes('1'));
    // The first compaction creates the snapshot bucket, which needs every node up (3 replicas).
    await a.compact();
    await a.set('early2', bytes('2'));
    await caughtUp(b, appliedSeq(a));
    const changes = b.watch({ prefix: '' });
    // b hears nothing while its only server is down; a writes and compacts meanwhile.
    await third.kill('SIGKILL');
    try {
      // The stream (or the bucket) may have had its leader there: writes wait for a new one.
      for (let i = 0; i < 50; i++) {
        await retryUntilAcknowledged(() => a.set(`k${i % 10}`, bytes(String(i))));
      }
      await retryUntilAcknowledged(() =>
        a.batch([
          { type: 'delete', key: 'early' },
          { type: 'delete', key: 'early2' },
        ]),
      );
      await retryCompaction(() => a.compact());
      await retryUntilAcknowledged(() => a.set('tail', bytes('after the snapshot')));
    } finally {
      await third.start();
      await cluster.ready();
    }
    await caughtUp(b, appliedSeq(a));
    expect(contents(b)).toEqual(contents(a));
    expect(b.has('early')).toBe(false);
    expect(b.has('early2')).toBe(false);
    // Its watchers heard the switch: a whole clear, then the snapshot's keys.
    const first = await changes.next();
    expect(first.value).toMatchObject({ type: 'clear' });
    await changes.return?.();
    await Promise.all([a.close(), b.close()]);
  }, 240_000);

  it('refuses to open on a snapshot whose object is gone, naming it', async () => {
    const stream = freshStream();
    const a = await openNode(on(stream));
    await a.set('k', bytes('v'));
    await a.compact();
    await a.close();
    const [name] = await objects(nc, stream);
    await (await new Objm(nc).open(bucketOf(stream))).delete(name!);
    await expect(openNode(on(stream))).rejects.toMatchObject({
      code: 'JETSTREAM_BAD_SNAPSHOT',
      message: expect.stringContaining(name!),
    });
  });

  it('refuses to open on a snapshot whose object lost a chunk (its digest check fails), naming it', async () => {
    const stream = freshStream();
    // About 500 KB of snapshot: several chunks of the object store's 128 KiB.
    const { name, chunks, bucketStream, chunkSubject } = await compactedStream(stream, 3000);
    expect(chunks).toBeGreaterThan(1);
    const jsm = await jetstreamManager(nc);
    const last = await jsm.streams.getMessage(bucketStream, { last_by_subj: chunkSubject });
    expect(await jsm.streams.deleteMessage(bucketStream, last!.seq)).toBe(true);
    await expect(openNode(on(stream))).rejects.toMatchObject({
      code: 'JETSTREAM_BAD_SNAPSHOT',
      message: expect.stringMatching(new RegExp(`${name}.*digest check`)),
    });
  });

  it('gives up opening within timeoutMs when the snapshot object never streams (every chunk gone)', async () => {
    const stream = freshStream();
    const { bucketStream, chunkSubject } = await compactedStream(stream, 1);
    // The object's info says it has chunks, but none is left: the read waits for a first one.
    await (await jetstreamManager(nc)).streams.purge(bucketStream, { filter: chunkSubject });
    const started = performance.now();
    await expect(openNode({ ...on(stream), timeoutMs: 1_500 })).rejects.toMatchObject({
      code: 'JETSTREAM_TIMEOUT',
      message: expect.stringContaining('newest snapshot'),
    });
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('refuses to open on a marker that is not one, naming its sequence', async () => {
    const stream = freshStream();
    const a = await openNode(on(stream));
    await a.set('k', bytes('v'));
    await a.close();
    const js = (await jetstreamManager(nc)).jetstream();
    const ack = await js.publish(`hermes.${stream}.snap`, 'not a marker');
    await expect(openNode(on(stream))).rejects.toMatchObject({
      code: 'JETSTREAM_BAD_MESSAGE',
      reason: 'bad-marker',
      seq: ack.seq,
    });
  });

  it('steps over a message deleted on purpose (as the bad-message error advises), and opens', async () => {
    const stream = freshStream();
    const a = await openNode(on(stream));
    await a.set('k', bytes('v'));
    await a.close();
    const jsm = await jetstreamManager(nc);
    const foreign = await jsm.jetstream().publish(`hermes.${stream}.log`, 'foreign\n');
    await expect(openNode(on(stream))).rejects.toMatchObject({ code: 'JETSTREAM_BAD_MESSAGE' });
    await jsm.streams.deleteMessage(stream, foreign.seq);
    const b = await openNode(on(stream));
    await b.set('k2', bytes('v2'));
    expect(contents(b)).toEqual([
      ['k', 'v'],
      ['k2', 'v2'],
    ]);
    expect(appliedSeq(b)).toBe(foreign.seq + 1);
    await b.close();
  });
});
