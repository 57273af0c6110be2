import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, kv } from '../helpers/http.js';
import { type RedisServer, realBinary, startRedisServer } from '../helpers/real-servers.js';
import { encodeCommand, RawClient, startRedisService } from './helpers.js';

const TOKEN = 'a-token-of-32-characters-0123456';

/** Sends `commands` on a fresh raw connection and returns the replies. */
async function exchange(port: number, commands: string[][]): Promise<string[]> {
  const raw = await RawClient.connect(port);
  try {
    for (const command of commands) raw.send(encodeCommand(...command));
    return await raw.replies(commands.length);
  } finally {
    raw.close();
  }
}

describe('a service with a token', () => {
  let hermes: Awaited<ReturnType<typeof startRedisService>>;
  beforeAll(async () => {
    hermes = await startRedisService({ authToken: TOKEN });
  });
  afterAll(() => hermes.stop());

  it('answers NOAUTH before AUTH, WRONGPASS for a wrong token, then runs what follows AUTH', async () => {
    expect(
      await exchange(hermes.port, [
        ['PING'],
        ['SET', 'k', 'v'],
        ['AUTH', 'wrong-token-wrong-token'],
        ['AUTH', 'someone', TOKEN],
        ['AUTH', 'default', 'x', 'y'],
        ['GET', 'k'],
        ['AUTH', TOKEN],
        ['SET', 'k', 'v'],
        ['GET', 'k'],
      ]),
    ).toEqual([
      '-NOAUTH Authentication required.\r\n',
      '-NOAUTH Authentication required.\r\n',
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      '-ERR syntax error\r\n',
      '-NOAUTH Authentication required.\r\n',
      '+OK\r\n',
      '+OK\r\n',
      '$1\r\nv\r\n',
    ]);
  });

  it('takes the token through HELLO ... AUTH default, and refuses HELLO without it', async () => {
    const [refused, hello, get] = await exchange(hermes.port, [
      ['HELLO', '3'],
      ['HELLO', '3', 'AUTH', 'default', TOKEN],
      ['GET', 'none'],
    ]);
    expect(refused).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    expect(hello).toMatch(/^%7\r\n/);
    expect(get).toBe('_\r\n');
  });

  it('ioredis connects with the password option; without it every command is refused', async () => {
    const client = new Redis({
      host: '127.0.0.1',
      port: hermes.port,
      password: TOKEN,
      lazyConnect: true,
    });
    await client.connect();
    expect(await client.set('from-ioredis', '1')).toBe('OK');
    client.disconnect();
    const anonymous = new Redis({
      host: '127.0.0.1',
      port: hermes.port,
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // ioredis opens with HELLO 3; without the token it is refused, as by Redis with requirepass.
    const seen: string[] = [];
    anonymous.on('error', (e: Error) => seen.push(e.message));
    await anonymous.connect().catch((e: Error) => seen.push(e.message));
    await anonymous.get('from-ioredis').catch((e: Error) => seen.push(e.message));
    expect(seen.join('\n')).toMatch(/NOAUTH/);
    anonymous.disconnect();
  });

  it('HTTP needs the bearer token, except /healthz; 401 in the documented shape', async () => {
    const url = hermes.service.url;
    const none = await http(url, 'GET', kv('from-ioredis'));
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="hermes"');
    expect(none.json()).toMatchObject({
      error: 'UNAUTHORIZED',
      message: expect.stringMatching(/Authorization: Bearer/),
    });
    const wrong = await http(url, 'GET', kv('from-ioredis'), {
      headers: { authorization: 'Bearer not-the-token-at-all-0000' },
    });
    expect(wrong.status).toBe(401);
    const right = await http(url, 'GET', kv('from-ioredis'), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(right.body.toString()).toBe('1');
    expect((await http(url, 'GET', '/metrics')).status).toBe(401);
    expect((await http(url, 'PUT', kv('x'), { body: 'v' })).status).toBe(401);
    expect((await http(url, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('a service without a token', () => {
  let hermes: Awaited<ReturnType<typeof startRedisService>>;
  beforeAll(async () => {
    hermes = await startRedisService();
  });
  afterAll(() => hermes.stop());

  it('answers AUTH as Redis does with no password set, and HELLO AUTH default is accepted', async () => {
    const [auth, hello] = await exchange(hermes.port, [
      ['AUTH', 'anything'],
      ['HELLO', '2', 'AUTH', 'default', 'anything'],
    ]);
    expect(auth).toBe(
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
    );
    expect(hello).toMatch(/^\*14\r\n/);
  });
});

const binary = realBinary('redis-server');

describe.skipIf(binary === undefined)(
  'AUTH replies byte for byte as redis-server --requirepass',
  () => {
    let redis: RedisServer;
    let hermes: Awaited<ReturnType<typeof startRedisService>>;
    beforeAll(async () => {
      redis = await startRedisServer(binary!, ['--requirepass', TOKEN]);
      hermes = await startRedisService({ authToken: TOKEN });
    });
    afterAll(async () => {
      await redis?.stop();
      await hermes?.stop();
    });

    it('the same replies for the same commands', async () => {
      const script = [
        ['GET', 'k'],
        ['AUTH'],
        ['AUTH', 'nope'],
        ['AUTH', 'default', 'nope'],
        ['AUTH', 'other', TOKEN],
        ['AUTH', 'a', 'b', 'c'],
        ['HELLO', '2'],
        ['AUTH', 'default', TOKEN],
        ['SET', 'k', 'v'],
        ['GET', 'k'],
        ['AUTH', TOKEN],
      ];
      expect(await exchange(hermes.port, script)).toEqual(await exchange(redis.port, script));
    });
  },
);
