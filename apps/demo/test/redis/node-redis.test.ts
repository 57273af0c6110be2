import { createClient, WatchError } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisService } from './helpers.js';

/** node-redis (the `redis` package), the other widely used Node client, in RESP2 and RESP3. */
describe.each([2, 3] as const)('node-redis over RESP%i', (protocol) => {
  let hermes: Awaited<ReturnType<typeof startRedisService>>;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    hermes = await startRedisService();
    client = createClient({
      socket: { host: '127.0.0.1', port: hermes.port, reconnectStrategy: false },
      RESP: protocol,
      name: 'node-redis-test',
    });
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await hermes.stop();
  });

  it('connects (HELLO, CLIENT SETINFO, SETNAME) and runs strings, counters and MGET', async () => {
    expect(await client.ping()).toBe('PONG');
    expect(await client.clientGetName()).toBe('node-redis-test');
    expect(await client.set('k', 'v')).toBe('OK');
    expect(await client.get('k')).toBe('v');
    expect(await client.get('missing')).toBeNull();
    expect(await client.incrBy('n', 5)).toBe(5);
    expect(await client.mGet(['k', 'missing', 'n'])).toEqual(['v', null, '5']);
    expect(await client.set('k', 'w', { condition: 'NX' })).toBeNull();
  });

  it('runs a MULTI/EXEC transaction and a WATCH that aborts', async () => {
    expect(await client.multi().set('a', '1').incr('a').get('a').exec()).toEqual(['OK', 2, '2']);
    const [watcher, other] = [client.duplicate(), client.duplicate()];
    for (const c of [watcher, other]) {
      c.on('error', () => {});
      await c.connect();
    }
    try {
      await watcher.watch('a');
      await other.set('a', 'changed');
      // node-redis reports Redis's null EXEC reply (a watched key changed) as a WatchError.
      await expect(watcher.multi().set('a', 'mine').exec()).rejects.toBeInstanceOf(WatchError);
    } finally {
      await Promise.all([watcher.close(), other.close()]);
    }
    expect(await client.get('a')).toBe('changed');
  });

  it('iterates every key with scanIterator', async () => {
    await client.mSet(Array.from({ length: 30 }, (_, i) => [`s:${i}`, 'v'] as [string, string]));
    const seen: string[] = [];
    for await (const keys of client.scanIterator({ MATCH: 's:*', COUNT: 7 })) seen.push(...keys);
    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `s:${i}`).sort());
  });
});
