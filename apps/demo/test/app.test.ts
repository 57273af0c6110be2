import { once } from 'node:events';
import net from 'node:net';
import { Readable } from 'node:stream';
import { Client } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../src/service.js';
import { VERSION } from '../src/version.js';
import { testConfig } from './helpers/config.js';
import { http, kv } from './helpers/http.js';
import { tempDir } from './helpers/temp-dir.js';

const quiet = { stderr: { write: () => true } };

let dir: Awaited<ReturnType<typeof tempDir>>;
let service: RunningService;
let base: string;

beforeEach(async () => {
  dir = await tempDir();
  service = await startService(testConfig(dir.path), quiet);
  base = service.url;
});

afterEach(async () => {
  await service.close();
  await dir.remove();
});

function expectError(
  reply: { status: number; json(): unknown },
  status: number,
  code: string,
): void {
  expect(reply.status).toBe(status);
  const body = reply.json() as { error: string; message: string };
  expect(body.error).toBe(code);
  expect(body.message.length).toBeGreaterThan(10);
}

describe('PUT, GET, DELETE /kv/<key>', () => {
  it('stores the body bytes and returns them as application/octet-stream', async () => {
    expect((await http(base, 'PUT', '/kv/greeting', { body: 'hello' })).status).toBe(204);
    const got = await http(base, 'GET', '/kv/greeting');
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.body.toString()).toBe('hello');
    expect((await http(base, 'PUT', '/kv/greeting', { body: 'again' })).status).toBe(204);
    expect((await http(base, 'GET', '/kv/greeting')).body.toString()).toBe('again');
  });

  it('answers 404 NOT_FOUND for an absent key, on GET and on DELETE', async () => {
    expectError(await http(base, 'GET', '/kv/nothing'), 404, 'NOT_FOUND');
    expectError(await http(base, 'DELETE', '/kv/nothing'), 404, 'NOT_FOUND');
  });

  it('deletes with 204, after which the key is gone', async () => {
    await http(base, 'PUT', '/kv/x', { body: '1' });
    expect((await http(base, 'DELETE', '/kv/x')).status).toBe(204);
    expectError(await http(base, 'GET', '/kv/x'), 404, 'NOT_FOUND');
    expectError(await http(base, 'DELETE', '/kv/x'), 404, 'NOT_FOUND');
  });

  it('answers HEAD with the status and length only', async () => {
    await http(base, 'PUT', '/kv/h', { body: '12345' });
    const head = await http(base, 'HEAD', '/kv/h');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('5');
    expect(head.body.length).toBe(0);
    expect((await http(base, 'HEAD', '/kv/absent')).status).toBe(404);
  });

  it.each([
    ['a/b'],
    ['100%'],
    ['with space'],
    ['ключ/🙂/日本'],
    ['?#&=+;,'],
    ['%2F literally'],
    ['a//b/'],
  ])('round-trips the key %j when percent-encoded', async (key) => {
    expect((await http(base, 'PUT', kv(key), { body: key })).status).toBe(204);
    const got = await http(base, 'GET', kv(key));
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe(key);
    const list = (await http(base, 'GET', `/kv?prefix=${encodeURIComponent(key)}`)).json() as {
      keys: string[];
    };
    expect(list.keys).toEqual([key]);
  });

  it('takes "/" raw or as %2F as the same key', async () => {
    await http(base, 'PUT', '/kv/a/b/c', { body: 'raw' });
    expect((await http(base, 'GET', '/kv/a%2Fb%2Fc')).body.toString()).toBe('raw');
    await http(base, 'PUT', '/kv/a%2fb/c', { body: 'mixed' });
    expect((await http(base, 'GET', '/kv/a/b/c')).body.toString()).toBe('mixed');
  });

  it('refuses bad keys with 400 BAD_KEY: malformed escapes, invalid UTF-8', async () => {
    expectError(await http(base, 'GET', '/kv/%zz'), 400, 'BAD_KEY');
    expectError(await http(base, 'PUT', '/kv/abc%', { body: 'x' }), 400, 'BAD_KEY');
    expectError(await http(base, 'PUT', '/kv/%E0%A4', { body: 'x' }), 400, 'BAD_KEY');
    expectError(await http(base, 'PUT', '/kv/%ED%A0%80', { body: 'x' }), 400, 'BAD_KEY');
    expectError(await http(base, 'DELETE', '/kv/%'), 400, 'BAD_KEY');
    expect(service.store.size).toBe(0);
  });

  it('refuses a key over the key limit with 400 KEY_TOO_LARGE, and takes one at the limit', async () => {
    expectError(await http(base, 'PUT', kv('k'.repeat(257)), { body: 'x' }), 400, 'KEY_TOO_LARGE');
    expectError(await http(base, 'PUT', kv('é'.repeat(129)), { body: 'x' }), 400, 'KEY_TOO_LARGE');
    expect((await http(base, 'PUT', kv('k'.repeat(256)), { body: 'x' })).status).toBe(204);
  });

  it("addresses the empty key '' as /kv/ (kv('')), as the library and the Redis front take it", async () => {
    expect(kv('')).toBe('/kv/');
    expectError(await http(base, 'GET', '/kv/'), 404, 'NOT_FOUND');
    expect((await http(base, 'PUT', '/kv/', { body: 'root' })).status).toBe(204);
    expect(Buffer.from(service.store.get('')!).toString()).toBe('root');
    expect((await http(base, 'GET', '/kv/')).body.toString()).toBe('root');
    expect((await http(base, 'GET', '/kv')).json()).toEqual({ keys: [''], next: null });
    expect((await http(base, 'DELETE', '/kv/')).status).toBe(204);
    expect(service.store.has('')).toBe(false);
  });

  it('stores empty and binary values byte for byte, whatever the Content-Type', async () => {
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect((await http(base, 'PUT', '/kv/bin', { body: binary })).status).toBe(204);
    expect([...(await http(base, 'GET', '/kv/bin')).body]).toEqual([...binary]);

    expect((await http(base, 'PUT', '/kv/empty', { body: '' })).status).toBe(204);
    const empty = await http(base, 'GET', '/kv/empty');
    expect(empty.status).toBe(200);
    expect(empty.body.length).toBe(0);
    expect((await http(base, 'PUT', '/kv/nobody')).status).toBe(204);
    expect((await http(base, 'GET', '/kv/nobody')).status).toBe(200);

    for (const type of [
      'application/json',
      'text/plain; charset=utf-8',
      'not a / media type',
      'image/png',
    ]) {
      const body = '{"not": "parsed"';
      expect(
        (await http(base, 'PUT', '/kv/typed', { body, headers: { 'content-type': type } })).status,
      ).toBe(204);
      expect((await http(base, 'GET', '/kv/typed')).body.toString()).toBe(body);
    }
  });

  it('takes a value at the limit and refuses one over it with 413 VALUE_TOO_LARGE', async () => {
    const limit = 64 * 1024;
    expect(
      (await http(base, 'PUT', '/kv/big', { body: new Uint8Array(limit).fill(7) })).status,
    ).toBe(204);
    expectError(
      await http(base, 'PUT', '/kv/big', { body: new Uint8Array(limit + 1) }),
      413,
      'VALUE_TOO_LARGE',
    );
    expect((await http(base, 'GET', '/kv/big')).body.length).toBe(limit);
  });

  it('refuses unknown query parameters on a key', async () => {
    expectError(await http(base, 'GET', '/kv/a?version=2'), 400, 'BAD_QUERY');
  });
});

describe('If-None-Match: *', () => {
  it('creates when absent (204) and refuses when present (412 KEY_EXISTS), changing nothing', async () => {
    const create = { headers: { 'if-none-match': '*' } };
    expect((await http(base, 'PUT', '/kv/once', { ...create, body: 'first' })).status).toBe(204);
    expectError(
      await http(base, 'PUT', '/kv/once', { ...create, body: 'second' }),
      412,
      'KEY_EXISTS',
    );
    expect((await http(base, 'GET', '/kv/once')).body.toString()).toBe('first');
  });

  it('refuses other preconditions with 400 BAD_PRECONDITION rather than ignoring them', async () => {
    expectError(
      await http(base, 'PUT', '/kv/p', { body: 'x', headers: { 'if-none-match': '"abc"' } }),
      400,
      'BAD_PRECONDITION',
    );
    expectError(
      await http(base, 'PUT', '/kv/p', { body: 'x', headers: { 'if-match': '*' } }),
      400,
      'BAD_PRECONDITION',
    );
    expect(service.store.has('p')).toBe(false);
  });

  it('lets exactly one of many concurrent creates of one key win', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const replies = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          http(base, 'PUT', kv(key), { body: `writer-${i}`, headers: { 'if-none-match': '*' } }),
        ),
      );
      const winners = replies.flatMap((r, i) => (r.status === 204 ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(replies.filter((r) => r.status === 412)).toHaveLength(23);
      expect((await http(base, 'GET', kv(key))).body.toString()).toBe(`writer-${winners[0]}`);
    }
  });
});

describe('POST /batch', () => {
  const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');

  it('applies sets and deletes atomically, values in base64', async () => {
    await http(base, 'PUT', '/kv/old', { body: 'x' });
    const ops = [
      { type: 'set', key: 'a/1', value: b64('one') },
      { type: 'set', key: 'bin', value: b64(Uint8Array.of(0, 255, 10)) },
      { type: 'set', key: 'empty', value: '' },
      { type: 'delete', key: 'old' },
      { type: 'delete', key: 'never-there' },
    ];
    const reply = await http(base, 'POST', '/batch', {
      body: JSON.stringify(ops),
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(204);
    expect((await http(base, 'GET', '/kv/a%2F1')).body.toString()).toBe('one');
    expect([...(await http(base, 'GET', '/kv/bin')).body]).toEqual([0, 255, 10]);
    expect((await http(base, 'GET', '/kv/empty')).status).toBe(200);
    expect((await http(base, 'GET', '/kv/old')).status).toBe(404);
  });

  it("takes the empty key '' in a batch, the same key as /kv/", async () => {
    const body = JSON.stringify([{ type: 'set', key: '', value: b64('root') }]);
    expect((await http(base, 'POST', '/batch', { body })).status).toBe(204);
    expect((await http(base, 'GET', '/kv/')).body.toString()).toBe('root');
    const remove = JSON.stringify([{ type: 'delete', key: '' }]);
    expect((await http(base, 'POST', '/batch', { body: remove })).status).toBe(204);
    expectError(await http(base, 'GET', '/kv/'), 404, 'NOT_FOUND');
  });

  it('refuses an item with the old "op" field with 400 BAD_BODY naming "type", applying nothing', async () => {
    const body = JSON.stringify([
      { type: 'set', key: 'a', value: b64('1') },
      { op: 'set', key: 'b', value: b64('2') },
    ]);
    const reply = await http(base, 'POST', '/batch', { body });
    expectError(reply, 400, 'BAD_BODY');
    expect((reply.json() as { message: string }).message).toMatch(
      /Operation 1 uses "op"; the field is now "type"/,
    );
    expect(service.store.size).toBe(0);
  });

  it('accepts an empty batch as a no-op', async () => {
    expect((await http(base, 'POST', '/batch', { body: '[]' })).status).toBe(204);
  });

  it.each([
    ['not JSON', '[{"type":', 400, 'BAD_BODY'],
    ['not an array', '{"type":"set"}', 400, 'BAD_BODY'],
    ['an unknown op', '[{"type":"put","key":"k","value":""}]', 400, 'BAD_BODY'],
    ['a value that is not base64', '[{"type":"set","key":"k","value":"%%%"}]', 400, 'BAD_BODY'],
    ['unpadded base64', '[{"type":"set","key":"k","value":"aGk"}]', 400, 'BAD_BODY'],
    ['a missing value', '[{"type":"set","key":"k"}]', 400, 'BAD_BODY'],
    ['a misspelt field', '[{"type":"set","key":"k","valeu":"aGk="}]', 400, 'BAD_BODY'],
    ['a non-string key', '[{"type":"delete","key":7}]', 400, 'BAD_KEY'],
    ['a lone surrogate in a key', '[{"type":"delete","key":"\\ud800"}]', 400, 'BAD_KEY'],
    [
      'a key over the limit',
      JSON.stringify([{ type: 'delete', key: 'k'.repeat(257) }]),
      400,
      'KEY_TOO_LARGE',
    ],
    [
      'a value over the limit',
      JSON.stringify([{ type: 'set', key: 'k', value: b64(new Uint8Array(64 * 1024 + 1)) }]),
      413,
      'VALUE_TOO_LARGE',
    ],
    [
      'too many ops',
      JSON.stringify(Array.from({ length: 51 }, (_, i) => ({ type: 'delete', key: `k${i}` }))),
      413,
      'BATCH_TOO_LARGE',
    ],
  ])('refuses %s, applying nothing', async (_what, body, status, code) => {
    const valid = JSON.stringify([{ type: 'set', key: 'first', value: b64('1') }]).slice(1, -1);
    const withValidFirst =
      body.startsWith('[') && body.length > 2 && body.endsWith(']')
        ? `[${valid},${body.slice(1)}`
        : body;
    expectError(await http(base, 'POST', '/batch', { body: withValidFirst }), status, code);
    expect(service.store.size).toBe(0);
  });

  it('refuses a body over --max-batch-bytes with 413 BATCH_TOO_LARGE', async () => {
    expectError(
      await http(base, 'POST', '/batch', { body: `[${' '.repeat(1024 * 1024)}]` }),
      413,
      'BATCH_TOO_LARGE',
    );
  });
});

describe('GET /kv?prefix=&limit=', () => {
  async function fill(keys: string[]): Promise<void> {
    const ops = keys.map((key) => ({ type: 'set', key, value: '' }));
    for (let i = 0; i < ops.length; i += 50) {
      expect(
        (await http(base, 'POST', '/batch', { body: JSON.stringify(ops.slice(i, i + 50)) })).status,
      ).toBe(204);
    }
  }

  it('lists keys with a prefix in order, 100 by default, and pages with next/after', async () => {
    const users = Array.from({ length: 130 }, (_, i) => `user/${String(i).padStart(3, '0')}`);
    await fill([...users, 'other', 'use']);
    const first = (await http(base, 'GET', '/kv?prefix=user%2F')).json() as {
      keys: string[];
      next: string | null;
    };
    expect(first.keys).toEqual(users.slice(0, 100));
    expect(first.next).toBe(users[99]);
    const second = (
      await http(base, 'GET', `/kv?prefix=user%2F&after=${encodeURIComponent(first.next!)}`)
    ).json() as {
      keys: string[];
      next: string | null;
    };
    expect(second).toEqual({ keys: users.slice(100), next: null });
    const small = (await http(base, 'GET', '/kv?prefix=use&limit=2')).json() as { keys: string[] };
    expect(small.keys).toEqual(['use', 'user/000']);
    const all = (await http(base, 'GET', '/kv?limit=1000')).json() as {
      keys: string[];
      next: string | null;
    };
    expect(all.keys).toHaveLength(132);
    expect(all.next).toBeNull();
  });

  it('lists a range by start/end or gt/gte/lt/lte, in UTF-8 order, reversed, and pages both ways', async () => {
    // UTF-8 order: 'é' is C3 A9, U+FFFF is EF BF BF, '😀' is F0 9F 98 80 (JavaScript's < puts it before U+FFFF).
    await fill(['r/a', 'r/b', 'r/c', 'r/é', 'r/\uffff', 'r/😀', 's']);
    type Page = { keys: string[]; next: string | null };
    const get = async (q: string) => (await http(base, 'GET', `/kv?${q}`)).json() as Page;
    expect((await get('prefix=r%2F')).keys).toEqual([
      'r/a',
      'r/b',
      'r/c',
      'r/é',
      'r/\uffff',
      'r/😀',
    ]);
    expect((await get('start=r%2Fb&end=r%2F%C3%A9')).keys).toEqual(['r/b', 'r/c']);
    expect((await get('gt=r%2Fb&lte=r%2F%C3%A9')).keys).toEqual(['r/c', 'r/é']);
    const top = await get('prefix=r%2F&reverse=true&limit=2');
    expect(top).toEqual({ keys: ['r/😀', 'r/\uffff'], next: 'r/\uffff' });
    const rest = await get(
      `prefix=r%2F&reverse=true&limit=10&after=${encodeURIComponent(top.next!)}`,
    );
    expect(rest).toEqual({ keys: ['r/é', 'r/c', 'r/b', 'r/a'], next: null });
    expectError(await http(base, 'GET', '/kv?start=a&gte=b'), 400, 'BAD_QUERY');
    expectError(await http(base, 'GET', '/kv?reverse=maybe'), 400, 'BAD_QUERY');
  });

  it('decodes "+" in the query as a space, %2B as a plus', async () => {
    await fill(['a b', 'a+b']);
    expect(((await http(base, 'GET', '/kv?prefix=a+')).json() as { keys: string[] }).keys).toEqual([
      'a b',
    ]);
    expect(
      ((await http(base, 'GET', '/kv?prefix=a%2B')).json() as { keys: string[] }).keys,
    ).toEqual(['a+b']);
  });

  it.each([
    ['limit=0'],
    ['limit=1001'],
    ['limit=ten'],
    ['limit=-1'],
    ['prefx=a'],
    ['prefix=a&prefix=b'],
    ['prefix=%zz'],
  ])('refuses %s with 400 BAD_QUERY', async (query) => {
    expectError(await http(base, 'GET', `/kv?${query}`), 400, 'BAD_QUERY');
  });
});

describe('errors and operations routes', () => {
  it('answers unknown routes with 404 ROUTE_NOT_FOUND and wrong methods with 405 and Allow', async () => {
    expectError(await http(base, 'GET', '/nowhere'), 404, 'ROUTE_NOT_FOUND');
    const wrong = await http(base, 'POST', '/kv/x', { body: 'x' });
    expectError(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers['allow']).toContain('PUT');
    expectError(await http(base, 'GET', '/batch'), 405, 'METHOD_NOT_ALLOWED');
  });

  it('reports health as 200 while writes are possible', async () => {
    const health = await http(base, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok' });
  });

  it('serves Prometheus metrics fed by requests and by the log observer', async () => {
    await http(base, 'PUT', '/kv/m', { body: 'x' });
    await http(base, 'GET', '/kv/missing');
    await http(base, 'POST', '/batch', { body: JSON.stringify([{ type: 'delete', key: 'm' }]) });
    await service.store.compact();
    const reply = await http(base, 'GET', '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toContain('text/plain');
    const text = reply.body.toString();
    const value = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (line === undefined) throw new Error(`no series ${series} in:\n${text}`);
      return Number(line.slice(series.length + 1));
    };
    expect(value('hermes_http_requests_total{method="PUT",route="/kv/*",status="204"}')).toBe(1);
    expect(value('hermes_http_requests_total{method="GET",route="/kv/*",status="404"}')).toBe(1);
    expect(value('hermes_wal_appends_total')).toBeGreaterThanOrEqual(2);
    expect(value('hermes_wal_fsyncs_total')).toBeGreaterThanOrEqual(2);
    expect(value('hermes_wal_fsync_duration_seconds_count')).toBe(value('hermes_wal_fsyncs_total'));
    expect(value('hermes_wal_batch_records_count')).toBeGreaterThanOrEqual(1);
    expect(value('hermes_batches_total')).toBe(1);
    expect(value('hermes_batch_ops_sum')).toBe(1);
    expect(value('hermes_compactions_total{result="ok"}')).toBe(1);
    expect(value('hermes_compactions_total{result="failed"}')).toBe(0);
    expect(value('hermes_wal_log_bytes')).toBeGreaterThan(0);
    expect(value('hermes_wal_fsync_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(value('hermes_wal_poisoned')).toBe(0);
    expect(text).toContain('hermes_replay_duration_seconds ');
    // Node's default metrics and the build, for dashboards that expect them.
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(value(`hermes_build_info{version="${VERSION}",node="${process.versions.node}"}`)).toBe(
      1,
    );
  });

  it('counts a 405 under the route it missed, not as unmatched', async () => {
    await http(base, 'POST', '/kv/k');
    await http(base, 'DELETE', '/healthz');
    const text = (await http(base, 'GET', '/metrics')).body.toString();
    expect(text).toMatch(
      /^hermes_http_requests_total\{method="POST",route="\/kv\/\*",status="405"\} 1$/m,
    );
    expect(text).toMatch(
      /^hermes_http_requests_total\{method="DELETE",route="\/healthz",status="405"\} 1$/m,
    );
    expect(text).not.toMatch(/route="unmatched",status="405"/);
  });

  it('keeps acknowledged writes across a restart, and says what replay did', async () => {
    await http(base, 'PUT', '/kv/kept', { body: 'yes' });
    await http(base, 'POST', '/batch', {
      body: JSON.stringify([{ type: 'set', key: 'b', value: 'Yg==' }]),
    });
    await service.close();
    service = await startService(testConfig(dir.path), quiet);
    base = service.url;
    expect(service.line).toMatch(/replayed 2 records .* no torn tail/);
    expect(service.line).toContain(`data ${dir.path}`);
    expect((await http(base, 'GET', '/kv/kept')).body.toString()).toBe('yes');
    expect((await http(base, 'GET', '/kv/b')).body.toString()).toBe('b');
  });

  it('finishes a request in flight when closing, answers later ones with 503 or a closed connection', async () => {
    const client = new Client(base, { pipelining: 2 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const body = Readable.from(
      (async function* () {
        yield Buffer.from('part one, ');
        await gate;
        yield Buffer.from('part two');
      })(),
    );
    const arrived = once(service.app.server, 'request');
    const inFlight = client.request({ method: 'PUT', path: '/kv/in-flight', body });
    await arrived;
    const closing = service.close();
    const late = client.request({ method: 'GET', path: '/healthz' }).then(
      async (r) => ({ status: r.statusCode, body: await r.body.text() }),
      (error: Error) => error,
    );
    release();
    const first = await inFlight;
    expect(first.statusCode).toBe(204);
    await first.body.dump();
    const second = await late;
    if (second instanceof Error) expect(second.message).toMatch(/closed|reset|refused|socket/i);
    else
      expect(second).toMatchObject({ status: 503, body: expect.stringContaining('SHUTTING_DOWN') });
    await closing;
    await client.close();
    service = await startService(testConfig(dir.path), quiet);
    expect(Buffer.from(service.store.get('in-flight')!).toString()).toBe('part one, part two');
  });
});

describe('every 4xx in the documented shape, with what to do', () => {
  /** Sends raw bytes and reads the whole answer (the service closes after a client error). */
  async function raw(bytes: Buffer): Promise<{ status: number; body: unknown }> {
    const { hostname, port } = new URL(base);
    const socket = net.connect({ host: hostname, port: Number(port) });
    await once(socket, 'connect');
    socket.end(bytes);
    let text = '';
    socket.setEncoding('latin1').on('data', (d: string) => (text += d));
    await once(socket, 'close');
    const [head, body] = text.split('\r\n\r\n');
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head!)?.[1]), body: JSON.parse(body!) };
  }

  it('a raw space or non-ASCII byte in the path is 400 BAD_REQUEST', async () => {
    for (const line of ['GET /kv/a b HTTP/1.1', 'GET /kv/\xc3\xa9 HTTP/1.1', 'NOT HTTP AT ALL']) {
      const answer = await raw(Buffer.from(`${line}\r\nHost: x\r\n\r\n`, 'latin1'));
      expect(answer, line).toEqual({
        status: 400,
        body: { error: 'BAD_REQUEST', message: expect.stringMatching(/percent-encode the path/) },
      });
    }
  });

  it('an over-long URL or header is 431 HEADERS_TOO_LARGE', async () => {
    for (const request of [
      `GET /kv/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /kv/a HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]) {
      expect(await raw(Buffer.from(request))).toEqual({
        status: 431,
        body: { error: 'HEADERS_TOO_LARGE', message: expect.stringMatching(/over 16 KiB/) },
      });
    }
  });

  it('VALUE_TOO_LARGE states the limit; a route with no query parameters says so', async () => {
    const big = await http(base, 'PUT', '/kv/big', { body: new Uint8Array(64 * 1024 + 1) });
    expect(big.json()).toMatchObject({ message: expect.stringContaining('limit of 65536 bytes') });
    const query = await http(base, 'GET', '/kv/a?b=c');
    expect(query.json()).toMatchObject({
      error: 'BAD_QUERY',
      message: 'Unknown query parameter "b"; this route takes no query parameters.',
    });
  });
});
