import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { findNatsServer } from '../../src/testing/index.js';
import { appliedSeq, bytes, faultCluster, freshStream, openNode, text } from '../helpers.js';

const binary = findNatsServer();

/**
 * The long fault loop (not in `pnpm test`; run it with `pnpm --filter @hermes/wal-jetstream
 * test:loops`): the stream's leader killed with SIGKILL during writes, ten times. No write
 * acknowledged to a caller is lost, and writes resume after each kill.
 */
describe.skipIf(binary === undefined)('the JetStream log when the stream leader is killed', () => {
  const { cluster, options } = faultCluster();

  /** The name of the cluster node leading `stream` (`n1`, `n2`, ...). */
  async function leaderOf(stream: string): Promise<string> {
    const nc = await connect({ servers: [...cluster().servers] });
    try {
      const info = await (await jetstreamManager(nc)).streams.info(stream);
      const leader = info.cluster?.leader;
      if (leader === undefined) throw new Error(`stream ${stream} has no leader now`);
      return leader;
    } finally {
      await nc.close();
    }
  }

  it('SIGKILL of the stream leader during writes, 10 times: no acknowledged write is lost, writes resume', async () => {
    const stream = freshStream();
    const db = await openNode(options(stream));
    await db.set('start', bytes('0'));
    const acknowledged = new Set<string>();
    const progress = new Progress();
    let next = 0;
    let stop = false;
    // Four writers, never awaited by the test: each writes fresh keys as fast as it can.
    const writer = async (): Promise<void> => {
      while (!stop) {
        const key = `w${next++}`;
        try {
          await db.set(key, bytes(key));
          acknowledged.add(key);
          progress.tick(acknowledged.size);
        } catch (error) {
          // Refused while the leader is gone (outcome unknown), or acknowledged by a leader that
          // died before the others had it (lost, and told): not counted as acknowledged.
          expect(['JETSTREAM_PUBLISH_FAILED', 'JETSTREAM_ACK_LOST']).toContain(
            (error as { code?: string }).code,
          );
        }
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    for (let round = 0; round < 10; round++) {
      const leader = await leaderOf(stream);
      const node = cluster().nodes.find((n) => n.name === leader)!;
      const before = acknowledged.size;
      await node.kill('SIGKILL');
      // Writes go on with the two nodes left (a new leader is elected)...
      await progress.reached(before + 20);
      await node.start();
      await cluster().ready();
    }
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.size).toBeGreaterThan(200);
    // Every acknowledged write is in the stream: a fresh replica, opened on the other servers,
    // replays it (an unacknowledged one may or may not be there).
    const replica = await openNode(options(stream));
    const missing = [...acknowledged].filter((key) => text(replica.get(key)) !== key);
    expect(
      missing,
      `${missing.length} of ${acknowledged.size} acknowledged writes missing; writer applied ${appliedSeq(db)}, replica replayed ${appliedSeq(replica)}`,
    ).toEqual([]);
    await Promise.all([db.close(), replica.close()]);
  }, 600_000);
});

/** Counts acknowledged writes and wakes whoever waits for a count (no polling). */
class Progress {
  #count = 0;
  readonly #waiting: { readonly at: number; readonly wake: () => void }[] = [];

  tick(count: number): void {
    this.#count = count;
    for (let i = this.#waiting.length - 1; i >= 0; i--) {
      if (this.#waiting[i]!.at <= count) this.#waiting.splice(i, 1)[0]!.wake();
    }
  }

  /** Resolves once `count` writes were acknowledged. */
  reached(count: number): Promise<void> {
    if (this.#count >= count) return Promise.resolve();
    return new Promise((wake) => this.#waiting.push({ at: count, wake }));
  }
}
