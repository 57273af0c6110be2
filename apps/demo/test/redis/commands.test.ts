import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http, kv } from '../helpers/http.js';
import { encodeCommand, RawClient, startRedisService } from './helpers.js';

let hermes: Awaited<ReturnType<typeof startRedisService>>;
let redis: Redis;

beforeAll(async () => {
  hermes = await startRedisService();
  redis = await hermes.client({ name: 'tester' });
});
afterAll(() => hermes.stop());
beforeEach(async () => {
  await redis.flushdb();
});

/** The error a command rejects with, as its message. */
async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the command to fail');
}

describe('connection commands', () => {
  it('PING, ECHO, SELECT 0 and QUIT', async () => {
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.ping('hi')).toBe('hi');
    expect(await redis.echo('echo me')).toBe('echo me');
    expect(await redis.select(0)).toBe('OK');
    expect(await errorOf(redis.select(1))).toBe('ERR DB index is out of range');
    expect(await errorOf(redis.select('x' as never))).toBe(
      'ERR value is not an integer or out of range',
    );
    const quitter = await hermes.client();
    expect(await quitter.quit()).toBe('OK');
  });

  it('QUIT behind a pending write: the write is answered, then OK, then the close; nothing after it runs', async () => {
    const raw = await RawClient.connect(hermes.port);
    raw.send(
      Buffer.concat([
        encodeCommand('SET', 'before-quit', '1'),
        encodeCommand('QUIT'),
        encodeCommand('SET', 'after-quit', '1'),
      ]),
    );
    expect(await raw.until(() => raw.ended)).toBe('+OK\r\n+OK\r\n');
    expect(await redis.exists('before-quit', 'after-quit')).toBe(1);
    expect(await redis.get('before-quit')).toBe('1');
  });

  it('CLIENT SETNAME, GETNAME, ID, SETINFO', async () => {
    expect(await redis.client('GETNAME')).toBe('tester');
    expect(await redis.client('SETNAME', 'renamed')).toBe('OK');
    expect(await redis.client('GETNAME')).toBe('renamed');
    expect(await errorOf(redis.client('SETNAME', 'has space'))).toBe(
      'ERR Client names cannot contain spaces, newlines or special characters.',
    );
    const other = await hermes.client();
    const [a, b] = [await redis.client('ID'), await other.client('ID')];
    expect(typeof a).toBe('number');
    expect(a).not.toBe(b);
    expect(await redis.client('SETINFO', 'LIB-NAME', 'mine')).toBe('OK');
    expect(await errorOf(redis.client('NOPE' as never))).toBe(
      "ERR unknown subcommand 'NOPE'. Try CLIENT HELP.",
    );
  });

  it('HELLO 3 switches to RESP3; HELLO 4 is NOPROTO', async () => {
    const raw = await RawClient.connect(hermes.port);
    raw.send(encodeCommand('HELLO', '3'));
    raw.send(encodeCommand('GET', 'missing'));
    raw.send(encodeCommand('HELLO', '4'));
    raw.send(encodeCommand('HELLO', '2'));
    raw.send(encodeCommand('GET', 'missing'));
    const [hello3, nil3, noproto, hello2, nil2] = await raw.replies(5);
    expect(hello3).toMatch(/^%7\r\n\$6\r\nserver\r\n/);
    expect(hello3).toContain('$5\r\nproto\r\n:3\r\n');
    expect(nil3).toBe('_\r\n');
    expect(noproto).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(hello2).toMatch(/^\*14\r\n/);
    expect(nil2).toBe('$-1\r\n');
    raw.close();
  });

  it('COMMAND answers what clients probe: COUNT, INFO, DOCS, and the whole table', async () => {
    const count = (await redis.call('COMMAND', 'COUNT')) as number;
    const all = (await redis.call('COMMAND')) as unknown[][];
    expect(all).toHaveLength(count);
    const [get] = (await redis.command('INFO', 'get')) as unknown[][];
    expect(get!.slice(0, 6)).toEqual(['get', 2, ['readonly', 'fast'], 1, 1, 1]);
    expect(await redis.command('DOCS')).toEqual([]);
  });

  it('unknown commands and wrong arity get Redis errors, and the connection goes on', async () => {
    expect(await errorOf(redis.call('NOSUCH', 'a', 'b'))).toBe(
      "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ",
    );
    expect(await errorOf(redis.call('GET'))).toBe(
      "ERR wrong number of arguments for 'get' command",
    );
    expect(await errorOf(redis.call('DEBUG', 'SLEEP', '0'))).toBe(
      'ERR DEBUG is not supported by Hermes',
    );
    expect(await redis.call('FUNCTION', 'FLUSH')).toBe('OK');
    expect(await redis.ping()).toBe('PONG');
  });

  it('INFO has the server, persistence and keyspace sections', async () => {
    await redis.set('k', 'v');
    const info = await redis.info();
    expect(info).toMatch(/# Server\r\nredis_version:7\.2\.0\r\n/);
    expect(info).toMatch(/\r\nloading:0\r\n/);
    expect(info).toMatch(/\r\nhermes_sync_policy:always\r\n/);
    expect(info).toMatch(/\r\nhermes_fsync_lag_ms:\d+\r\n/);
    expect(info).toMatch(/\r\nhermes_group_commit_max_records:[1-9]\d*\r\n/);
    expect(info).toMatch(/\r\nhermes_last_fsync_ms_ago:\d+\r\n/);
    expect(info).toMatch(/# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n/);
    expect(await redis.info('persistence')).not.toContain('# Server');
    expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
  });
});

describe('--resp-max-clients', () => {
  it('tells the connection past the limit so and closes it; the others go on', async () => {
    const small = await startRedisService({ respMaxClients: 2 });
    try {
      const [a, b] = [await RawClient.connect(small.port), await RawClient.connect(small.port)];
      a.send(encodeCommand('PING'));
      await a.replies(1);
      const third = await RawClient.connect(small.port);
      expect(await third.until(() => third.ended)).toBe('-ERR max number of clients reached\r\n');
      b.send(encodeCommand('PING'));
      expect(await b.replies(1)).toEqual(['+PONG\r\n']);
      a.close();
      await a.closed();
      b.close();
    } finally {
      await small.stop();
    }
  });
});

describe('string commands', () => {
  it('GET and SET with NX, XX and GET, and conflicting options', async () => {
    expect(await redis.get('k')).toBeNull();
    expect(await redis.set('k', 'v1')).toBe('OK');
    expect(await redis.get('k')).toBe('v1');
    expect(await redis.set('k', 'v2', 'NX')).toBeNull();
    expect(await redis.set('absent', 'v', 'XX')).toBeNull();
    expect(await redis.set('k', 'v3', 'XX')).toBe('OK');
    expect(await redis.set('k', 'v4', 'GET')).toBe('v3');
    expect(await redis.set('new', 'n', 'NX', 'GET')).toBeNull();
    expect(await redis.set('new', 'm', 'NX', 'GET')).toBe('n');
    expect(await redis.get('new')).toBe('n');
    expect(await errorOf(redis.call('SET', 'k', 'v', 'NX', 'XX'))).toBe('ERR syntax error');
    expect(await errorOf(redis.call('SET', 'k', 'v', 'BOGUS'))).toBe('ERR syntax error');
    expect(await errorOf(redis.call('SET', 'k', 'v', 'EX', '10', 'PX', '5'))).toBe(
      'ERR syntax error',
    );
    expect(await errorOf(redis.call('SET', 'k', 'v', 'EX', '0'))).toBe(
      "ERR invalid expire time in 'set' command",
    );
    for (const option of [
      ['EX', '10'],
      ['PX', '10'],
      ['EXAT', '10'],
      ['PXAT', '10'],
      ['KEEPTTL'],
    ]) {
      expect(await errorOf(redis.call('SET', 'k', 'v', ...option))).toMatch(
        /^ERR Hermes does not support key expiry/,
      );
    }
    expect(await redis.get('k')).toBe('v4');
  });

  it('SETNX, GETSET, GETDEL, STRLEN, APPEND', async () => {
    expect(await redis.setnx('k', 'a')).toBe(1);
    expect(await redis.setnx('k', 'b')).toBe(0);
    expect(await redis.getset('k', 'c')).toBe('a');
    expect(await redis.getset('fresh', 'x')).toBeNull();
    expect(await redis.strlen('k')).toBe(1);
    expect(await redis.strlen('nothing')).toBe(0);
    expect(await redis.append('k', 'def')).toBe(4);
    expect(await redis.append('made', 'xy')).toBe(2);
    expect(await redis.getdel('k')).toBe('cdef');
    expect(await redis.getdel('k')).toBeNull();
    expect(await redis.exists('k')).toBe(0);
  });

  it('INCR, DECR, INCRBY, DECRBY: atomic, with overflow and non-integers refused', async () => {
    expect(await redis.incr('n')).toBe(1);
    expect(await redis.incrby('n', 41)).toBe(42);
    expect(await redis.decr('n')).toBe(41);
    expect(await redis.decrby('n', 50)).toBe(-9);
    await redis.set('max', '9223372036854775807');
    expect(await errorOf(redis.incr('max'))).toBe('ERR increment or decrement would overflow');
    await redis.set('min', '-9223372036854775808');
    expect(await errorOf(redis.decr('min'))).toBe('ERR increment or decrement would overflow');
    expect(await errorOf(redis.decrby('n', '-9223372036854775808'))).toBe(
      'ERR decrement would overflow',
    );
    for (const bad of ['abc', ' 1', '1 ', '+1', '01', '1.5', '', '99999999999999999999']) {
      await redis.set('bad', bad);
      expect(await errorOf(redis.incr('bad')), JSON.stringify(bad)).toBe(
        'ERR value is not an integer or out of range',
      );
    }
    expect(await errorOf(redis.incrby('n', 'x' as never))).toBe(
      'ERR value is not an integer or out of range',
    );
    // 200 increments from 4 connections, none awaited: none lost.
    const clients = await Promise.all([1, 2, 3, 4].map(() => hermes.client()));
    await Promise.all(clients.flatMap((c) => Array.from({ length: 50 }, () => c.incr('shared'))));
    expect(await redis.get('shared')).toBe('200');
  });

  it('MGET, MSET and MSETNX, all or nothing', async () => {
    expect(await redis.mset('a', '1', 'b', '2')).toBe('OK');
    expect(await redis.mget('a', 'b', 'c')).toEqual(['1', '2', null]);
    expect(await redis.msetnx('c', '3', 'a', 'no')).toBe(0);
    expect(await redis.mget('a', 'c')).toEqual(['1', null]);
    expect(await redis.msetnx('c', '3', 'd', '4')).toBe(1);
    expect(await redis.mget('c', 'd')).toEqual(['3', '4']);
    expect(await errorOf(redis.call('MSET', 'a', '1', 'b'))).toBe(
      "ERR wrong number of arguments for 'mset' command",
    );
  });

  it('binary-safe keys and values, shared with the HTTP API for UTF-8 keys', async () => {
    const key = Buffer.from([0, 1, 0xff, 0xfe, 0x80, 13, 10, 32]);
    const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await redis.set(key, value);
    expect(await redis.getBuffer(key)).toEqual(value);
    expect(await redis.keysBuffer('*')).toEqual([key]);
    await redis.set('café', 'crème');
    const viaHttp = await http(hermes.service.url, 'GET', kv('café'));
    expect(viaHttp.body.toString()).toBe('crème');
    await http(hermes.service.url, 'PUT', kv('from-http'), { body: 'hi' });
    expect(await redis.get('from-http')).toBe('hi');
  });

  it('the empty key \'\' is one key over both fronts: SET "" is /kv/ over HTTP', async () => {
    await redis.set('', 'root');
    expect((await http(hermes.service.url, 'GET', '/kv/')).body.toString()).toBe('root');
    expect((await http(hermes.service.url, 'DELETE', kv(''))).status).toBe(204);
    expect(await redis.exists('')).toBe(0);
  });

  it('a key over --max-key-bytes or a value over --max-value-bytes is refused, the connection goes on', async () => {
    const longKey = 'k'.repeat(257);
    expect(await errorOf(redis.set(longKey, 'v'))).toMatch(
      /^ERR the key is 257 bytes, over the limit of 256/,
    );
    expect(await errorOf(redis.mset(longKey, 'v'))).toMatch(/over the limit/);
    expect(await redis.del(longKey)).toBe(0);
    await redis.set('grow', 'x'.repeat(64 * 1024));
    expect(await errorOf(redis.append('grow', 'y'))).toBe(
      'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
    );
    expect(await redis.strlen('grow')).toBe(64 * 1024);
  });
});

describe('keyspace commands', () => {
  it('DEL and UNLINK count the keys removed; EXISTS counts repeats; DBSIZE; TYPE; TTL', async () => {
    await redis.mset('a', '1', 'b', '2', 'c', '3');
    expect(await redis.exists('a', 'a', 'zz')).toBe(2);
    expect(await redis.del('a', 'a', 'zz')).toBe(1);
    expect(await redis.unlink('b', 'c')).toBe(2);
    expect(await redis.del('b')).toBe(0);
    expect(await redis.dbsize()).toBe(0);
    await redis.set('s', 'v');
    expect(await redis.type('s')).toBe('string');
    expect(await redis.type('none')).toBe('none');
    expect(await redis.ttl('s')).toBe(-1);
    expect(await redis.ttl('none')).toBe(-2);
  });

  it('SCAN with MATCH on a prefix and COUNT visits every key exactly once', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `user:${i}`);
    for (let i = 0; i < keys.length; i += 25) {
      await redis.mset(...keys.slice(i, i + 25).flatMap((k) => [k, 'v']));
    }
    await redis.mset('other:1', 'v', 'other:2', 'v');
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const [next, page] = await redis.scan(cursor, 'MATCH', 'user:*', 'COUNT', 25);
      cursor = next;
      seen.push(...page);
      calls++;
    } while (cursor !== '0');
    expect(seen.sort()).toEqual([...keys].sort());
    expect(calls).toBeGreaterThan(5);
    const streamed: string[] = [];
    for await (const page of redis.scanStream({ match: 'other:*' })) streamed.push(...page);
    expect(streamed.sort()).toEqual(['other:1', 'other:2']);
    expect(await errorOf(redis.scan('x'))).toBe('ERR invalid cursor');
    expect(await errorOf(redis.scan('0', 'COUNT', 0))).toBe('ERR syntax error');
  });

  it('KEYS with glob patterns, bounded', async () => {
    await redis.mset('hello', '1', 'hallo', '2', 'hxllo', '3', 'world', '4');
    expect((await redis.keys('h?llo')).sort()).toEqual(['hallo', 'hello', 'hxllo']);
    expect((await redis.keys('h[ae]llo')).sort()).toEqual(['hallo', 'hello']);
    expect((await redis.keys('*')).sort()).toEqual(['hallo', 'hello', 'hxllo', 'world']);
    expect(await redis.keys('nope*')).toEqual([]);
  });

  it('FLUSHDB and FLUSHALL clear durably', async () => {
    await redis.mset('a', '1', 'b', '2');
    expect(await redis.flushall()).toBe('OK');
    expect(await redis.dbsize()).toBe(0);
    await redis.set('c', '3');
    expect(await redis.call('FLUSHDB', 'ASYNC')).toBe('OK');
    expect(await redis.get('c')).toBeNull();
    expect(await errorOf(redis.call('FLUSHDB', 'LATER'))).toBe('ERR syntax error');
  });

  it('WAITAOF answers once the writes before it are fsynced', async () => {
    await redis.set('k', 'v');
    expect(await redis.call('WAITAOF', '1', '0', '0')).toEqual([1, 0]);
    expect(await redis.call('WAITAOF', '1', '1', '10')).toEqual([1, 0]);
  });
});

describe('transactions', () => {
  it('MULTI/EXEC runs every queued command as one atomic step and answers each', async () => {
    await redis.set('n', '10');
    const result = await redis.multi().incr('n').set('k', 'v').get('k').incr('k').exec();
    expect(result).toEqual([
      [null, 11],
      [null, 'OK'],
      [null, 'v'],
      [expect.objectContaining({ message: 'ERR value is not an integer or out of range' })],
    ]);
    expect(await redis.mget('n', 'k')).toEqual(['11', 'v']);
  });

  it('EXEC without MULTI, nested MULTI, DISCARD, WATCH inside MULTI, and EXECABORT', async () => {
    const raw = await RawClient.connect(hermes.port);
    for (const command of [
      ['EXEC'],
      ['DISCARD'],
      ['MULTI'],
      ['MULTI'],
      ['WATCH', 'x'],
      ['SET', 'x', '1'],
      ['DISCARD'],
      ['GET', 'x'],
      ['MULTI'],
      ['SET', 'x', '1'],
      ['GET'],
      ['NOSUCH'],
      ['EXEC'],
      ['GET', 'x'],
    ]) {
      raw.send(encodeCommand(...command));
    }
    expect(await raw.replies(14)).toEqual([
      '-ERR EXEC without MULTI\r\n',
      '-ERR DISCARD without MULTI\r\n',
      '+OK\r\n',
      '-ERR MULTI calls can not be nested\r\n',
      '-ERR WATCH inside MULTI is not allowed\r\n',
      '+QUEUED\r\n',
      '+OK\r\n',
      '$-1\r\n',
      '+OK\r\n',
      '+QUEUED\r\n',
      "-ERR wrong number of arguments for 'get' command\r\n",
      "-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
      '-EXECABORT Transaction discarded because of previous errors.\r\n',
      '$-1\r\n',
    ]);
    raw.close();
  });

  it('WATCH: of two connections racing on one key, exactly one EXEC succeeds', async () => {
    const [a, b] = await Promise.all([hermes.client(), hermes.client()]);
    for (let round = 0; round < 20; round++) {
      await redis.set('balance', '100');
      await Promise.all([a.watch('balance'), b.watch('balance')]);
      const [va, vb] = await Promise.all([a.get('balance'), b.get('balance')]);
      const results = await Promise.all([
        a
          .multi()
          .set('balance', String(Number(va) - 30))
          .exec(),
        b
          .multi()
          .set('balance', String(Number(vb) - 50))
          .exec(),
      ]);
      const succeeded = results.filter((r) => r !== null);
      expect(succeeded, `round ${round}`).toHaveLength(1);
      expect(['70', '50']).toContain(await redis.get('balance'));
    }
  });

  it('WATCH sees writes from HTTP too, and UNWATCH forgets', async () => {
    const watcher = await hermes.client();
    await watcher.watch('w');
    await http(hermes.service.url, 'PUT', kv('w'), { body: 'changed' });
    expect(await watcher.multi().set('w', 'mine').exec()).toBeNull();
    expect(await redis.get('w')).toBe('changed');
    await watcher.watch('w');
    await redis.set('w', 'again');
    await watcher.unwatch();
    expect(await watcher.multi().set('w', 'mine').exec()).toEqual([[null, 'OK']]);
  });
});

describe('pipelining', () => {
  it('answers a pipeline of 10,000 mixed commands in order, each seeing the ones before', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 2500; i++) {
      pipeline.set(`p${i}`, `v${i}`);
      pipeline.get(`p${i}`);
      pipeline.incr('counter');
      pipeline.exists(`p${i}`);
    }
    const results = (await pipeline.exec())!;
    expect(results).toHaveLength(10_000);
    for (let i = 0; i < 2500; i++) {
      expect(results.slice(i * 4, i * 4 + 4)).toEqual([
        [null, 'OK'],
        [null, `v${i}`],
        [null, i + 1],
        [null, 1],
      ]);
    }
    expect(await redis.dbsize()).toBe(2501);
  });
});
