import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, realBinary, startRedisServer } from '../helpers/real-servers.js';
import { encodeCommand, RawClient, startRedisService } from './helpers.js';

/**
 * The same commands, byte for byte, to a real `redis-server` and to Hermes: every reply must be
 * the same bytes. The scripts leave out what Hermes does differently on purpose (see the README:
 * expiry, other databases, server identity in HELLO/INFO/CLIENT ID, key order of KEYS).
 */
const SCRIPTS: Record<string, (string | Buffer)[][]> = {
  'connection commands and errors': [
    ['PING'],
    ['PING', 'hello'],
    ['ECHO', 'x y'],
    ['SELECT', '0'],
    ['SELECT', 'x'],
    ['NOSUCH', 'a', 'b'],
    ['nosuch'],
    ['GET'],
    ['SET', 'k'],
    ['CLIENT', 'NOPE'],
    ['CLIENT', 'SETNAME', 'a b'],
    ['CLIENT', 'SETNAME', 'good'],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', ''],
    ['CLIENT', 'GETNAME'],
    ['HELLO', '4'],
    ['HELLO', 'x'],
    ['DEBUG'],
    ['FUNCTION', 'FLUSH'],
    ['FUNCTION', 'FLUSH', 'LATER'],
    ['FUNCTION', 'FLUSH', 'A', 'B'],
    ['FUNCTION', 'NOPE'],
    ['FUNCTION', 'LIST'],
  ],
  'SET and its relatives': [
    ['SET', 'k', 'v'],
    ['GET', 'k'],
    ['SET', 'k', 'v2', 'NX'],
    ['SET', 'k', 'v3', 'XX'],
    ['SET', 'k', 'v4', 'get'],
    ['SET', 'k2', 'v', 'NX', 'GET'],
    ['SET', 'k2', 'w', 'NX', 'GET'],
    ['SET', 'k3', 'v', 'XX', 'GET'],
    ['SET', 'k', 'v', 'NX', 'XX'],
    ['SET', 'k', 'v', 'XX', 'NX'],
    ['SET', 'k', 'v', 'BOGUS'],
    ['SET', 'k', 'v', 'EX'],
    ['SET', 'k', 'v', 'EX', '0'],
    ['SET', 'k', 'v', 'EX', 'x'],
    ['SET', 'k', 'v', 'EX', '5', 'PX', '5'],
    ['SET', 'k', 'v', 'KEEPTTL', 'EX', '5'],
    ['SETNX', 'k', 'a'],
    ['SETNX', 'new', 'a'],
    ['GETSET', 'k', 'b'],
    ['GETSET', 'fresh', 'b'],
    ['GETDEL', 'k'],
    ['GETDEL', 'k'],
    ['STRLEN', 'k2'],
    ['STRLEN', 'none'],
    ['APPEND', 'k2', 'xyz'],
    ['APPEND', 'made', ''],
    ['GET', 'made'],
    ['STRLEN', 'k2'],
    ['GET', 'k2'],
  ],
  counters: [
    ['INCR', 'n'],
    ['INCRBY', 'n', '10'],
    ['DECR', 'n'],
    ['DECRBY', 'n', '5'],
    ['INCRBY', 'n', 'x'],
    ['INCRBY', 'n', '1.5'],
    ['INCRBY', 'n', '99999999999999999999'],
    ['SET', 'big', '9223372036854775807'],
    ['INCR', 'big'],
    ['INCRBY', 'big', '-1'],
    ['SET', 'small', '-9223372036854775808'],
    ['DECR', 'small'],
    ['DECRBY', 'n', '-9223372036854775808'],
    ['DECRBY', 'n', '9223372036854775807'],
    ['SET', 's', 'abc'],
    ['INCR', 's'],
    ['SET', 'z', ' 1'],
    ['INCR', 'z'],
    ['SET', 'z', '01'],
    ['INCR', 'z'],
    ['SET', 'z', '-0'],
    ['INCR', 'z'],
    ['SET', 'z', ''],
    ['INCR', 'z'],
    ['GET', 'n'],
  ],
  'MGET, MSET, DEL, EXISTS and friends': [
    ['MSET', 'a', '1', 'b', '2'],
    ['MGET', 'a', 'b', 'c'],
    ['MSETNX', 'a', '1', 'c', '3'],
    ['MSETNX', 'c', '3', 'd', '4'],
    ['MGET', 'c', 'd'],
    ['MSET', 'a'],
    ['MSET', 'a', '1', 'b'],
    ['MSETNX', 'a', '1', 'b'],
    ['MSET', 'dup', '1', 'dup', '2'],
    ['GET', 'dup'],
    ['EXISTS', 'a', 'a', 'zz'],
    ['DEL', 'a', 'a', 'c', 'zz'],
    ['UNLINK', 'b'],
    ['EXISTS', 'a', 'b', 'c', 'd'],
    ['DBSIZE'],
    ['TYPE', 'd'],
    ['TYPE', 'nope'],
    ['TTL', 'd'],
    ['TTL', 'nope'],
    ['PTTL', 'd'],
    ['KEYS', 'd'],
    ['KEYS', 'nomatch*'],
    ['SCAN', 'x'],
    ['SCAN', '0', 'COUNT', '0'],
    ['SCAN', '0', 'BOGUS', '1'],
    ['SCAN', '0', 'TYPE', 'list'],
    ['FLUSHDB', 'LATER'],
    ['FLUSHALL'],
    ['DBSIZE'],
    ['SCAN', '0'],
  ],
  'binary keys and values': [
    ['SET', Buffer.from([0, 1, 2, 0xff, 0x80, 13, 10]), Buffer.from([0xc3, 0x28, 0, 0xfe])],
    ['GET', Buffer.from([0, 1, 2, 0xff, 0x80, 13, 10])],
    ['KEYS', Buffer.from([0, 1, 0x2a])],
    ['SET', 'café', 'crème'],
    ['GET', 'café'],
    ['STRLEN', 'café'],
  ],
  transactions: [
    ['SET', 'n', '1'],
    ['MULTI'],
    ['INCR', 'n'],
    ['GET', 'n'],
    ['SET', 'n', 'x', 'NX', 'XX'],
    ['INCR', 'n'],
    ['EXEC'],
    ['MULTI'],
    ['SET', 'x', '1'],
    ['GET'],
    ['EXEC'],
    ['EXEC'],
    ['DISCARD'],
    ['MULTI'],
    ['MULTI'],
    ['WATCH', 'x'],
    ['DISCARD'],
    ['WATCH', 'n'],
    ['SET', 'n', '5'],
    ['MULTI'],
    ['GET', 'n'],
    ['EXEC'],
    ['WATCH', 'n'],
    ['UNWATCH'],
    ['SET', 'n', '6'],
    ['MULTI'],
    ['GET', 'n'],
    ['EXEC'],
    ['MULTI'],
    ['NOSUCH'],
    ['EXEC'],
  ],
};

const binary = realBinary('redis-server');

describe.skipIf(binary === undefined)('the same bytes as redis-server', () => {
  let redis: RedisServer;
  let hermes: Awaited<ReturnType<typeof startRedisService>>;

  beforeAll(async () => {
    redis = await startRedisServer(binary!);
    hermes = await startRedisService({ maxKeyBytes: 4096, maxValueBytes: 1024 * 1024 });
  });
  afterAll(async () => {
    await redis?.stop();
    await hermes?.stop();
  });

  /** Sends `commands` on one fresh connection (after a FLUSHALL) and returns each raw reply. */
  async function run(port: number, commands: (string | Buffer)[][]): Promise<string[]> {
    const client = await RawClient.connect(port);
    try {
      client.send(encodeCommand('FLUSHALL'));
      for (const command of commands) client.send(encodeCommand(...command));
      const replies = await client.replies(commands.length + 1);
      return replies.slice(1);
    } finally {
      client.close();
    }
  }

  for (const [name, commands] of Object.entries(SCRIPTS)) {
    it(name, async () => {
      const [fromRedis, fromHermes] = [
        await run(redis.port, commands),
        await run(hermes.port, commands),
      ];
      const rows = commands.map((command, i) => ({
        command: command.map((a) => a.toString()).join(' '),
        redis: fromRedis[i],
        hermes: fromHermes[i],
      }));
      expect(rows.filter((row) => row.redis !== row.hermes)).toEqual([]);
    });
  }

  it('inline commands', async () => {
    const inline =
      'PING\r\nSET "a b" \'c d\'\r\nGET "a b"\r\nECHO "x\\x41\\n"\nSET "unbalanced\r\n';
    const answers = async (port: number): Promise<string> => {
      const client = await RawClient.connect(port);
      client.send(inline);
      const text = await client.until(() => client.ended);
      client.close();
      return text;
    };
    const fromHermes = await answers(hermes.port);
    expect(fromHermes).toBe(await answers(redis.port));
    expect(fromHermes).toContain('-ERR Protocol error: unbalanced quotes in request');
  });
});
