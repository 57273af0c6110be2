import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand, RawClient, startRedisService, waitForClients } from './helpers.js';

let hermes: Awaited<ReturnType<typeof startRedisService>>;

beforeAll(async () => {
  hermes = await startRedisService();
});
afterAll(() => hermes.stop());

/** Sends `commands` in one write (pipelined) on a fresh connection and reads `count` replies. */
async function pipelined(commands: string[][], count = commands.length): Promise<string[]> {
  const raw = await RawClient.connect(hermes.port);
  try {
    raw.send(Buffer.concat(commands.map((c) => encodeCommand(...c))));
    return await raw.replies(count);
  } finally {
    raw.close();
  }
}

describe('a transaction pipelined behind a write still in flight', () => {
  // Each starts with a SET whose reply waits for its fsync, so the commands after it are read
  // while it is pending: they must still be read as Redis reads them, in stream order.
  it('queues the commands between MULTI and EXEC, and runs them in the transaction', async () => {
    expect(
      await pipelined([
        ['SET', 'before', '1'],
        ['MULTI'],
        ['SET', 'inside', '2'],
        ['INCR', 'inside-count'],
        ['EXEC'],
        ['SET', 'after', '3'],
      ]),
    ).toEqual([
      '+OK\r\n',
      '+OK\r\n',
      '+QUEUED\r\n',
      '+QUEUED\r\n',
      '*2\r\n+OK\r\n:1\r\n',
      '+OK\r\n',
    ]);
  });

  it('does not pull the commands after EXEC into the transaction', async () => {
    const raw = await RawClient.connect(hermes.port);
    raw.send(
      Buffer.concat([
        encodeCommand('SET', 'p', '1'),
        encodeCommand('MULTI'),
        encodeCommand('SET', 'q', '2'),
        encodeCommand('EXEC'),
      ]),
    );
    // Sent while the first SET may still be pending: a plain command after the transaction.
    raw.send(encodeCommand('SET', 'r', '3'));
    raw.send(encodeCommand('GET', 'r'));
    expect(await raw.replies(6)).toEqual([
      '+OK\r\n',
      '+OK\r\n',
      '+QUEUED\r\n',
      '*1\r\n+OK\r\n',
      '+OK\r\n',
      '$1\r\n3\r\n',
    ]);
    raw.close();
  });

  it('answers nested MULTI, WATCH inside MULTI, DISCARD and EXEC without MULTI in stream order', async () => {
    expect(
      await pipelined([
        ['SET', 'w', '0'],
        ['MULTI'],
        ['MULTI'],
        ['WATCH', 'w'],
        ['SET', 'w', '1'],
        ['DISCARD'],
        ['EXEC'],
        ['WATCH', 'w'],
        ['MULTI'],
        ['SET', 'w', '2'],
        ['EXEC'],
        ['GET', 'w'],
      ]),
    ).toEqual([
      '+OK\r\n',
      '+OK\r\n',
      '-ERR MULTI calls can not be nested\r\n',
      '-ERR WATCH inside MULTI is not allowed\r\n',
      '+QUEUED\r\n',
      '+OK\r\n',
      '-ERR EXEC without MULTI\r\n',
      '+OK\r\n',
      '+OK\r\n',
      '+QUEUED\r\n',
      '*1\r\n+OK\r\n',
      '$1\r\n2\r\n',
    ]);
  });
});

describe('a client that is answered and closed, but keeps sending', () => {
  let checker: Redis;
  beforeAll(async () => {
    checker = await hermes.client();
  });

  it('after a protocol error, then goes away: the server lets go of its connection', async () => {
    const raw = await RawClient.connect(hermes.port);
    // A bad length, then more bytes than the socket buffers hold: some stay unread.
    raw.send(Buffer.concat([Buffer.from('*1\r\n$x\r\n'), Buffer.alloc(8 * 1024 * 1024, 'x')]));
    expect(await raw.until((t) => t.endsWith('\r\n'), 10_000)).toBe(
      '-ERR Protocol error: invalid bulk length\r\n',
    );
    raw.close();
    expect(await waitForClients(checker, 1)).toBe(1);
  });

  it('after QUIT, then goes away: the server lets go of its connection', async () => {
    const raw = await RawClient.connect(hermes.port);
    raw.send(Buffer.concat([encodeCommand('QUIT'), Buffer.alloc(8 * 1024 * 1024, 'x')]));
    expect(await raw.until((t) => t.endsWith('\r\n'), 10_000)).toBe('+OK\r\n');
    raw.close();
    expect(await waitForClients(checker, 1)).toBe(1);
  });
});
