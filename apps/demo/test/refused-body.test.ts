import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigBodyAnswer, fetchBigBody, rawBigBody } from './helpers/big-body.js';
import { type ChildService, peakRss, startChild } from './helpers/child.js';
import { http, kv } from './helpers/http.js';
import { tempDir } from './helpers/temp-dir.js';

const MiB = 1024 * 1024;
/** Over both default limits: 16 MiB per value and 64 MiB per batch body. */
const SIZES = [64 * MiB + 1, 512 * MiB] as const;
const TIMES = 10;

const ROUTES = [
  { method: 'PUT', path: kv('big'), code: 'VALUE_TOO_LARGE' },
  { method: 'POST', path: '/batch', code: 'BATCH_TOO_LARGE' },
] as const;

type Client = (base: string, method: string, path: string, size: number) => Promise<BigBodyAnswer>;
const CLIENTS: readonly [string, Client][] = [
  ['fetch', fetchBigBody],
  ['a raw socket (Content-Length)', (b, m, p, s) => rawBigBody(b, m, p, s, 'length')],
  ['a raw socket (chunked)', (b, m, p, s) => rawBigBody(b, m, p, s, 'chunked')],
];

function expect413(answer: BigBodyAnswer, code: string, context: string): void {
  expect(answer.status, `${context}: got ${JSON.stringify(answer)}`).toBe(413);
  expect(JSON.parse(answer.body), context).toMatchObject({
    error: code,
    message: expect.any(String),
  });
}

describe('a body over the limit, sent whole by a client that does not wait', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let service: ChildService;

  beforeAll(async () => {
    dir = await tempDir();
    service = await startChild(['--port', '0', '--data-dir', dir.path]);
  });
  afterAll(async () => {
    service.child.kill('SIGKILL');
    await service.exited;
    await dir.remove();
  });

  for (const route of ROUTES) {
    for (const size of SIZES) {
      for (const [name, send] of CLIENTS) {
        it(`${route.method} ${route.path}, ${size} bytes from ${name}: the client reads 413 ${route.code}, ${TIMES} times of ${TIMES}`, async () => {
          for (let i = 0; i < TIMES; i++) {
            const answer = await send(service.url, route.method, route.path, size);
            expect413(answer, route.code, `attempt ${i + 1}`);
            // fetch may stop sending once it has the answer; a raw socket sends it all.
            if (send !== fetchBigBody)
              expect(answer).toMatchObject({ sent: size, error: undefined });
          }
        });
      }
    }
  }

  it('16 clients at once: memory stays bounded, /healthz answers throughout, the data stays', async () => {
    expect((await http(service.url, 'PUT', kv('kept'), { body: 'still here' })).status).toBe(204);
    const before = await peakRss(service.child.pid!);
    let sending = true;
    let healthChecks = 0;
    const health = (async () => {
      while (sending) {
        const res = await http(service.url, 'GET', '/healthz');
        expect(res.status).toBe(200);
        healthChecks++;
      }
    })();
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        rawBigBody(service.url, 'PUT', kv(`big${i}`), 512 * MiB, i % 2 ? 'chunked' : 'length'),
      ),
    );
    sending = false;
    await health;
    for (const [i, answer] of answers.entries()) {
      expect413(answer, 'VALUE_TOO_LARGE', `client ${i}`);
      expect(answer).toMatchObject({ sent: 512 * MiB, error: undefined });
    }
    expect(healthChecks).toBeGreaterThan(1);
    // 16 × 512 MiB went through; the service read them without keeping them: its peak resident
    // memory grew by less than one value limit's worth per client plus 64 MiB.
    const after = await peakRss(service.child.pid!);
    expect(after - before, `peak RSS ${before} -> ${after} bytes`).toBeLessThan(
      16 * 16 * MiB + 64 * MiB,
    );
    const kept = await http(service.url, 'GET', kv('kept'));
    expect(kept.body.toString()).toBe('still here');
    for (let i = 0; i < 16; i++) {
      expect((await http(service.url, 'GET', kv(`big${i}`))).status).toBe(404);
    }
  });
});

describe('a client that sends past the discard bound', () => {
  it('is cut off, and the service goes on serving', async () => {
    const dir = await tempDir();
    const service = await startChild([
      '--port',
      '0',
      '--data-dir',
      dir.path,
      '--max-value-bytes',
      '1MiB',
      '--discard-bytes',
      '8MiB',
    ]);
    try {
      const answer = await rawBigBody(service.url, 'PUT', kv('big'), 512 * MiB, 'length');
      expect(answer.sent, JSON.stringify(answer)).toBeLessThan(512 * MiB);
      expect((await http(service.url, 'GET', '/healthz')).status).toBe(200);
      // Within the bound the answer still arrives.
      const within = await rawBigBody(service.url, 'PUT', kv('big'), 4 * MiB, 'length');
      expect413(within, 'VALUE_TOO_LARGE', 'within the bound');
    } finally {
      service.child.kill('SIGKILL');
      await service.exited;
      await dir.remove();
    }
  });
});
