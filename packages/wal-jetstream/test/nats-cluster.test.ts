import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNatsServer, type NatsCluster, startNatsCluster } from '../src/testing/index.js';

const binary = findNatsServer();

describe.skipIf(binary === undefined)('startNatsCluster (real nats-server)', () => {
  let cluster: NatsCluster;
  beforeAll(async () => {
    cluster = await startNatsCluster();
  });
  afterAll(() => cluster?.stop());

  it('starts three routed JetStream nodes that hold a stream of three replicas', async () => {
    expect(cluster.nodes).toHaveLength(3);
    expect(new Set(cluster.nodes.map((n) => n.pid)).size).toBe(3);
    const nc = await connect({ servers: [...cluster.servers] });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.add({ name: 'probe', subjects: ['probe.>'], num_replicas: 3 });
      expect(info.config.num_replicas).toBe(3);
      const js = jsm.jetstream();
      const ack = await js.publish('probe.a', 'hello');
      expect(ack.seq).toBe(1);
      const state = await jsm.streams.info('probe');
      expect(state.cluster?.replicas).toHaveLength(2);
    } finally {
      await nc.close();
    }
  });

  it('restarts a killed node on its ports and store, and is ready again', async () => {
    const node = cluster.nodes[1]!;
    const before = node.pid;
    await node.kill('SIGKILL');
    expect(node.pid).toBeUndefined();
    await node.start();
    await cluster.ready();
    expect(node.pid).not.toBe(before);
    const nc = await connect({ servers: node.url });
    await nc.close();
  });

  it('boots again on fresh ports when a first boot fails', async () => {
    // A server binary whose first run exits at once and whose later runs are the real server.
    const dir = await mkdtemp(path.join(tmpdir(), 'hermes-nats-boot-'));
    try {
      const mark = path.join(dir, 'failed-once');
      const wrapper = path.join(dir, 'nats-server');
      await writeFile(
        wrapper,
        `#!/bin/sh\nif [ ! -e '${mark}' ]; then touch '${mark}'; exit 1; fi\nexec '${binary}' "$@"\n`,
      );
      await chmod(wrapper, 0o755);
      const booted = await startNatsCluster({ binary: wrapper });
      try {
        const nc = await connect({ servers: [...booted.servers] });
        await nc.close();
        expect(booted.nodes.every((n) => n.pid !== undefined)).toBe(true);
      } finally {
        await booted.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops every node, by PID', async () => {
    const own = await startNatsCluster({ nodes: 1 });
    const pid = own.nodes[0]!.pid!;
    await own.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
