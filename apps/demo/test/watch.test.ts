import { once } from 'node:events';
import type { Socket } from 'node:net';
import { ShardedStore } from '@hermes/store';
import { SyncEveryWrite } from '@hermes/wal';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { type DurableStore, type DurableStoreOptions, openDurableStore } from '@hermes/wal-store';
import type { FastifyInstance } from 'fastify';
import { EventSource, type MessageEvent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { AppOptions } from '../src/app-options.js';
import { type RunningService, startService } from '../src/service.js';
import { testConfig } from './helpers/config.js';
import { http, kv } from './helpers/http.js';
import { openSse, type SseStream } from './helpers/sse.js';
import { tempDir } from './helpers/temp-dir.js';

const quiet = { stderr: { write: () => true } };

/** Everything a test opened, closed after it (in reverse order). */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function service(dir?: string): Promise<RunningService> {
  const folder = dir === undefined ? await tempDir() : undefined;
  if (folder !== undefined) cleanups.push(() => folder.remove());
  const running = await startService(testConfig(dir ?? folder!.path), quiet);
  cleanups.push(() => running.close());
  return running;
}

/** An app over a durable store opened with `storeOptions`, listening on a free port. */
async function app(
  options: AppOptions,
  storeOptions: Partial<DurableStoreOptions<ShardedStore>> = {},
): Promise<{ app: FastifyInstance; store: DurableStore; base: string }> {
  const dir = await tempDir();
  cleanups.push(() => dir.remove());
  const store = await openDurableStore({
    dir: dir.path,
    store: new ShardedStore(),
    ...storeOptions,
  });
  cleanups.push(() => store.close());
  const built = buildApp(store, options);
  cleanups.push(() => built.close());
  const base = await built.listen({ host: '127.0.0.1', port: 0 });
  return { app: built, store, base };
}

async function watch(base: string, path = '/watch', headers: Record<string, string> = {}) {
  const stream = await openSse(base, path, headers);
  cleanups.push(async () => stream.close());
  return stream;
}

/** Reads `n` events, failing if the stream ends first. */
async function events(stream: SseStream, n: number) {
  const out = [];
  while (out.length < n) {
    const event = await stream.nextEvent();
    if (event === undefined) throw new Error(`the stream ended after ${out.length} of ${n} events`);
    out.push(event);
  }
  return out;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('GET /watch', () => {
  it('streams writes as events to a real EventSource, in log order, values in base64', async () => {
    const { url: base } = await service();
    const source = new EventSource(`${base}/watch?prefix=user%2F`);
    cleanups.push(async () => source.close());
    const got: { type: string; id: string; data: unknown }[] = [];
    let arrived: () => void = () => {};
    for (const type of ['ready', 'set', 'delete', 'batch', 'clear']) {
      source.addEventListener(type, (event) => {
        const e = event as MessageEvent;
        got.push({ type, id: e.lastEventId, data: JSON.parse(e.data) });
        arrived();
      });
    }
    const until = (n: number) =>
      new Promise<void>((resolve) => {
        arrived = () => got.length >= n && resolve();
        arrived();
      });
    await until(1);
    expect(got[0]).toMatchObject({ type: 'ready' });
    await http(base, 'PUT', kv('other'), { body: 'no' });
    await http(base, 'PUT', kv('user/1'), { body: 'Ada' });
    await http(base, 'POST', '/batch', {
      body: JSON.stringify([
        { type: 'set', key: 'user/2', value: b64('Grace') },
        { type: 'delete', key: 'other' },
      ]),
    });
    await http(base, 'DELETE', kv('user/1'));
    await http(base, 'POST', '/batch', {
      body: JSON.stringify([{ type: 'delete', key: 'other' }]),
    });
    await http(base, 'PUT', kv('user/end'), { body: '' });
    await until(5);
    expect(got.slice(1).map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'set', data: { key: 'user/1', value: b64('Ada') } },
      { type: 'batch', data: { ops: [{ type: 'set', key: 'user/2', value: b64('Grace') }] } },
      { type: 'delete', data: { key: 'user/1' } },
      { type: 'set', data: { key: 'user/end', value: '' } },
    ]);
    const ids = got.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length > 0)).toBe(true);
  });

  it('sends the SSE headers, a retry delay and heartbeats', async () => {
    const { base } = await app({ watch: { heartbeatMs: 20, retryMs: 250 } });
    const stream = await watch(base);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-cache');
    const first = await stream.items.next();
    expect(first.value).toMatchObject({ kind: 'event', event: 'ready' });
    let heartbeats = 0;
    for await (const item of stream.items) {
      if (item.kind === 'comment' && item.text === 'heartbeat' && ++heartbeats === 2) break;
    }
    expect(heartbeats).toBe(2);
  });

  it('sends a change only once it is durable', async () => {
    const fs = new FaultyFileSystem();
    const { base, store } = await app({ watch: { heartbeatMs: 10 } }, { fs, sync: SyncEveryWrite });
    const stream = await watch(base);
    expect((await stream.nextEvent())?.event).toBe('ready');
    const fsync = fs.hang('datasync');
    const write = store.set('k', Buffer.from('v'));
    await fsync.reached;
    // The write is in the file, not on the disk: heartbeats go by, the change does not.
    // (Read item by item: leaving a for-await loop would finish the generator.)
    for (let heartbeats = 0; heartbeats < 3; heartbeats++) {
      expect((await stream.items.next()).value).toEqual({ kind: 'comment', text: 'heartbeat' });
    }
    fsync.release();
    await write;
    expect(await stream.nextEvent()).toMatchObject({
      event: 'set',
      data: JSON.stringify({ key: 'k', value: b64('v') }),
    });
  });

  it('resumes after Last-Event-ID with no gap and no duplicate', async () => {
    const { url: base } = await service();
    const first = await watch(base);
    await events(first, 1);
    for (let i = 0; i < 5; i++) await http(base, 'PUT', kv(`k${i}`), { body: `${i}` });
    const seen = await events(first, 5);
    first.close();
    for (let i = 5; i < 8; i++) await http(base, 'PUT', kv(`k${i}`), { body: `${i}` });
    const resumed = await watch(base, '/watch', { 'last-event-id': seen[1]!.id });
    const [ready, ...replayed] = await events(resumed, 7);
    expect(ready).toMatchObject({ event: 'ready', id: seen[1]!.id });
    await http(base, 'PUT', kv('live'), { body: 'x' });
    const [live] = await events(resumed, 1);
    const keys = [...replayed, live!].map((e) => (JSON.parse(e.data) as { key: string }).key);
    expect(keys).toEqual(['k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'live']);
  });

  it('resumes from ?since= too, and a fresh stream from the id of its ready event', async () => {
    const { url: base } = await service();
    const idle = await watch(base, '/watch?prefix=nothing');
    const [ready] = await events(idle, 1);
    await http(base, 'PUT', kv('a'), { body: '1' });
    const resumed = await watch(base, `/watch?since=${encodeURIComponent(ready!.id)}`);
    const [again, set] = await events(resumed, 2);
    expect(again).toMatchObject({ event: 'ready', id: ready!.id });
    expect(set).toMatchObject({
      event: 'set',
      data: JSON.stringify({ key: 'a', value: b64('1') }),
    });
  });

  it('sends resync when Last-Event-ID is from before a restart, then goes on live', async () => {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    const before = await service(dir.path);
    const old = await watch(before.url);
    await http(before.url, 'PUT', kv('k'), { body: 'v' });
    const [, set] = await events(old, 2);
    await before.close();
    expect(await old.nextEvent()).toBeUndefined();

    const after = await service(dir.path);
    const stream = await watch(after.url, '/watch', { 'last-event-id': set!.id });
    const [resync] = await events(stream, 1);
    expect(resync).toMatchObject({ event: 'resync' });
    expect(resync!.id).not.toBe(set!.id);
    expect(JSON.parse(resync!.data)).toMatchObject({ reason: 'unknown' });
    await http(after.url, 'PUT', kv('k'), { body: 'w' });
    expect(await stream.nextEvent()).toMatchObject({
      event: 'set',
      data: JSON.stringify({ key: 'k', value: b64('w') }),
    });
  });

  it('sends resync "expired" when the history no longer holds the position', async () => {
    const { base, store } = await app({}, { watchHistory: { maxChanges: 2 } });
    const first = await watch(base);
    for (let i = 0; i < 4; i++) await store.set(`k${i}`, Buffer.from('v'));
    const seen = await events(first, 5);
    const stream = await watch(base, '/watch', { 'last-event-id': seen[1]!.id });
    const [resync] = await events(stream, 1);
    expect(resync).toMatchObject({ event: 'resync', id: seen[4]!.id });
    expect(JSON.parse(resync!.data)).toMatchObject({ reason: 'expired' });
  });

  it('ends every stream when the service shuts down, without waiting on them', async () => {
    const running = await service();
    const streams = await Promise.all([1, 2, 3].map(() => watch(running.url)));
    for (const stream of streams) await events(stream, 1);
    await running.close();
    for (const stream of streams) expect(await stream.nextEvent()).toBeUndefined();
  });

  it('answers bad queries with 400 BAD_QUERY and other methods with 405', async () => {
    const { url: base } = await service();
    for (const query of ['gt=a&gte=b', 'lt=a&lte=b', 'from=x', 'prefix=a&prefix=b']) {
      const reply = await http(base, 'GET', `/watch?${query}`);
      expect(reply.status, query).toBe(400);
      expect((reply.json() as { error: string }).error).toBe('BAD_QUERY');
    }
    const post = await http(base, 'POST', '/watch');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET');
  });

  it('filters by a range of keys compared by UTF-8 bytes', async () => {
    const { url: base } = await service();
    const stream = await watch(base, `/watch?gte=${encodeURIComponent('\uE000')}`);
    await events(stream, 1);
    for (const key of ['a', '😀']) await http(base, 'PUT', kv(key), { body: key });
    const [set] = await events(stream, 1);
    expect(JSON.parse(set!.data)).toMatchObject({ key: '😀' });
  });
});

describe('GET /watch with a client that does not read', () => {
  /** Writes 1 MiB values (1.4 MB events) until `mib` MiB were written: more than socket buffers hold. */
  async function flood(store: DurableStore, mib: number): Promise<void> {
    const value = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < mib; i += 4) {
      await Promise.all([0, 1, 2, 3].map((j) => store.set(`big${(i + j) % 8}`, value)));
    }
  }

  it('cuts it with an overflow event once it falls maxBuffered changes behind', async () => {
    const { base, store } = await app({ watch: { maxBuffered: 5, endGraceMs: 60_000 } });
    const stream = await watch(base);
    await flood(store, 64);
    // Now read: what the socket held, then the overflow event, then the end.
    const kinds: string[] = [];
    for (;;) {
      const event = await stream.nextEvent();
      if (event === undefined) break;
      kinds.push(event.event);
    }
    expect(kinds[0]).toBe('ready');
    expect(kinds.at(-1)).toBe('overflow');
    const sets = kinds.filter((k) => k === 'set').length;
    expect(sets).toBeGreaterThan(0);
    expect(sets).toBeLessThan(64);
  });

  it('lets its connection go after endGraceMs when it never reads the overflow', async () => {
    const { app: built, store, base } = await app({ watch: { maxBuffered: 5, endGraceMs: 100 } });
    const sockets: Socket[] = [];
    built.server.on('connection', (socket: Socket) => sockets.push(socket));
    await watch(base);
    expect(sockets.length).toBe(1);
    const closed = once(sockets[0]!, 'close');
    await flood(store, 64);
    await closed;
  });

  it('does not hold up shutdown', async () => {
    const { app: built, store, base } = await app({ watch: { endGraceMs: 100 } });
    const stream = await watch(base);
    // More than the socket buffers hold, less than the watch may buffer: no overflow ends it.
    await flood(store, 12);
    await built.close();
    // The connection was cut: the client reads what had reached it, then the stream fails or ends.
    const ended = await (async () => {
      try {
        while ((await stream.nextEvent()) !== undefined) {}
        return 'ended';
      } catch {
        return 'cut';
      }
    })();
    expect(['ended', 'cut']).toContain(ended);
  });
});
