import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNatsServer, type NatsCluster, startNatsCluster } from '../src/testing/index.js';
import { appliedSeq, bytes, caughtUp, contents, freshStream, openNode } from './helpers.js';

const binary = findNatsServer();

describe.skipIf(binary === undefined)(
  'clear() on a replicated log: one CLEAR record every node applies',
  () => {
    let cluster: NatsCluster;
    beforeAll(async () => {
      cluster = await startNatsCluster();
    });
    afterAll(() => cluster?.stop());
    const on = (stream: string) => ({ servers: [...cluster.servers], stream });

    it('a whole clear on one node empties every node and a new one, with one record in the stream', async () => {
      const stream = freshStream();
      const a = await openNode(on(stream));
      const b = await openNode(on(stream));
      await a.batch([
        { type: 'set', key: 'x', value: bytes('1') },
        { type: 'set', key: 'y', value: bytes('2') },
      ]);
      await caughtUp(b, 1);
      await b.clear();
      expect(b.size).toBe(0);
      expect(appliedSeq(b)).toBe(2);
      await caughtUp(a, 2);
      expect(a.size).toBe(0);
      // Writes after the clear stay, on every node.
      await a.set('z', bytes('3'));
      const fresh = await openNode(on(stream));
      expect(fresh.report.records).toBe(3);
      expect(contents(fresh)).toEqual([['z', '3']]);
      await caughtUp(b, 3);
      expect(contents(b)).toEqual([['z', '3']]);
      await Promise.all([a.close(), b.close(), fresh.close()]);
    });

    it('a whole clear on a node that has not seen another node’s write yet still clears it', async () => {
      const stream = freshStream();
      const a = await openNode(on(stream));
      const b = await openNode(on(stream));
      // Not awaited on b's side: b clears whatever its memory holds, and the record it logs is
      // unconditional, so the write lands before or after it in the stream, never lost in between.
      const write = a.set('k', bytes('v'));
      const clear = b.clear();
      await Promise.all([write, clear]);
      const last = Math.max(appliedSeq(a), appliedSeq(b));
      await Promise.all([caughtUp(a, last), caughtUp(b, last)]);
      const fresh = await openNode(on(stream));
      expect(fresh.report.records).toBe(2);
      expect(contents(a)).toEqual(contents(fresh));
      expect(contents(b)).toEqual(contents(fresh));
      await Promise.all([a.close(), b.close(), fresh.close()]);
    });

    it('ranged and limited clears from two nodes at once converge with the writes around them', async () => {
      const stream = freshStream();
      const a = await openNode(on(stream));
      const b = await openNode(on(stream));
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 60; i++) {
        const key = `k${String(i % 20).padStart(2, '0')}`;
        ops.push((i % 2 === 0 ? a : b).set(key, bytes(String(i))));
        if (i % 9 === 0) ops.push(a.clear({ gte: 'k05', lt: 'k10' }));
        if (i % 13 === 0) ops.push(b.clear({ prefix: 'k1', limit: 3 }));
        if (i % 17 === 0) ops.push(b.clear({ gt: 'k15', reverse: true, limit: 2 }));
      }
      await Promise.all(ops);
      const fresh = await openNode(on(stream));
      const last = appliedSeq(fresh);
      await Promise.all([caughtUp(a, last), caughtUp(b, last)]);
      expect(contents(a)).toEqual(contents(fresh));
      expect(contents(b)).toEqual(contents(fresh));
      await Promise.all([a.close(), b.close(), fresh.close()]);
    });

    it('a limited clear that finds no key logs nothing', async () => {
      const stream = freshStream();
      const a = await openNode(on(stream));
      await a.clear({ prefix: 'none', limit: 5 });
      await a.set('k', bytes('v'));
      expect(appliedSeq(a)).toBe(1);
      await a.close();
    });
  },
);
