import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lowerName } from '../../src/redis/args.js';
import { COMMANDS } from '../../src/redis/commands/index.js';
import { RequestParser, RespProtocolError } from '../../src/resp/index.js';
import { peakRss, resetPeakRss } from '../helpers/child.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  connectRedis,
  encodeCommand,
  RawClient,
  type RedisChild,
  splitReplies,
  startRedisChild,
  waitForClients,
} from './helpers.js';

const MiB = 1024 * 1024;
/** The longest wait for an answer or a close: far above what a healthy server needs. */
const PATIENCE_MS = 10_000;
const JUNK = Buffer.alloc(MiB, 'x');

let dir: Awaited<ReturnType<typeof tempDir>>;
let service: RedisChild;
/** A well-behaved client, connected throughout: the data check, `INFO clients`. */
let checker: Redis;
/** The largest bulk the service accepts (`proto-max-bulk-len`: `--max-value-bytes`, 16 MiB). */
let maxBulk: number;

beforeAll(async () => {
  dir = await tempDir();
  service = await startRedisChild(['--data-dir', dir.path]);
  checker = await connectRedis(service.respPort);
  expect(await checker.set('kept', 'written before the abuse')).toBe('OK');
  const [, limit] = (await checker.config('GET', 'proto-max-bulk-len')) as [string, string];
  maxBulk = Number(limit);
  expect(maxBulk).toBe(16 * MiB);
});

afterAll(async () => {
  checker?.disconnect();
  service?.child.kill('SIGKILL');
  await service?.exited;
  await dir?.remove();
});

afterEach(async () => {
  await expectServing();
});

/** The service process is alive, and a new connection gets `+PONG`. */
async function expectServing(): Promise<void> {
  expect(service.child.exitCode, service.stderr()).toBeNull();
  expect(service.child.signalCode, service.stderr()).toBeNull();
  const raw = await RawClient.connect(service.respPort);
  try {
    raw.send('*1\r\n$4\r\nPING\r\n');
    expect(await raw.until((t) => t.length >= 7, PATIENCE_MS)).toBe('+PONG\r\n');
  } finally {
    raw.close();
  }
}

/** Waits until the server counts `count` connections (see `waitForClients`). */
function settledClients(count = 1): Promise<number> {
  return waitForClients(checker, count, PATIENCE_MS);
}

/** Sends `bytes` on a fresh connection; resolves with everything received once the server closed it. */
async function refused(bytes: string | Buffer): Promise<string> {
  const raw = await RawClient.connect(service.respPort);
  try {
    raw.send(bytes);
    const text = await raw.until(() => false, PATIENCE_MS);
    expect(raw.ended, 'the server closed the connection').toBe(true);
    return text;
  } finally {
    raw.close();
  }
}

/**
 * Writes up to `total` bytes of junk on `raw`, 1 MiB at a time, honouring back-pressure, until
 * the server ends the connection. Resolves with the bytes handed to the socket.
 */
async function streamJunk(raw: RawClient, total: number): Promise<number> {
  const socket = raw.socket;
  let over = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      over = true;
      resolve();
    };
    socket.once('end', stop);
    socket.once('close', stop);
  });
  let sent = 0;
  while (sent < total && !over) {
    const n = Math.min(JUNK.length, total - sent);
    sent += n;
    if (!socket.write(JUNK.subarray(0, n))) {
      await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), stopped]);
    }
  }
  return sent;
}

describe('refused at once with the error Redis sends, then closed', () => {
  /** Name, bytes sent, and everything the server must answer before it closes. */
  const cases: [string, string | Buffer | (() => string), string][] = [
    // Only the header is sent: the answer comes before any of the 2^40 bytes.
    [
      'a bulk length of 2^40',
      '*1\r\n$1099511627776\r\n',
      '-ERR Protocol error: invalid bulk length\r\n',
    ],
    ['a negative bulk length', '*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    [
      'a bulk length one over the limit',
      () => `*1\r\n$${maxBulk + 1}\r\n`,
      '-ERR Protocol error: invalid bulk length\r\n',
    ],
    // PROTOCOL.md: below -1 is refused (Redis would skip it); -1 and 0 are skipped (below).
    ['a multibulk length of -5', '*-5\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    [
      'a 100 MiB array header',
      '*104857600\r\n',
      '-ERR Protocol error: invalid multibulk length\r\n',
    ],
    [
      'an unterminated inline line of 100 KiB',
      Buffer.alloc(100 * 1024, 'a'),
      '-ERR Protocol error: too big inline request\r\n',
    ],
    [
      'an unterminated header line of 100 KiB',
      `*${'1'.repeat(100 * 1024)}`,
      '-ERR Protocol error: too big mbulk count string\r\n',
    ],
    [
      'an argument that is not a bulk',
      '*2\r\n$3\r\nGET\r\n:1\r\n',
      "-ERR Protocol error: expected '$', got ':'\r\n",
    ],
    [
      'bulk data not followed by CRLF',
      '*1\r\n$4\r\nPINGxx',
      '-ERR Protocol error: expected CRLF after bulk data\r\n',
    ],
    [
      'an inline line with unbalanced quotes',
      'SET "a b\r\n',
      '-ERR Protocol error: unbalanced quotes in request\r\n',
    ],
    [
      'a command answered first, then a bad length',
      '*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n',
      '+PONG\r\n-ERR Protocol error: invalid bulk length\r\n',
    ],
  ];
  for (const [name, bytes, answer] of cases) {
    it(name, async () => {
      expect(await refused(typeof bytes === 'function' ? bytes() : bytes)).toBe(answer);
    });
  }
});

describe('inline commands and empty requests, answered like Redis on an open connection', () => {
  const cases: [string, string, string[]][] = [
    ['PING', 'PING\r\n', ['+PONG\r\n']],
    ['a line ended by LF alone', 'PING\n', ['+PONG\r\n']],
    ['SET then GET', 'SET a b\r\nGET a\r\n', ['+OK\r\n', '$1\r\nb\r\n']],
    ['quoted arguments', `SET "a b" 'c d'\r\nGET "a b"\r\n`, ['+OK\r\n', '$3\r\nc d\r\n']],
    [
      'escapes in double quotes, a backslash kept in single quotes',
      `ECHO "\\x41\\t\\"B\\n"\r\nECHO 'x\\y\\'z'\r\n`,
      ['$5\r\nA\t"B\n\r\n', "$5\r\nx\\y'z\r\n"],
    ],
    ['blank lines, skipped', '\r\n   \r\n\t\nPING\r\n', ['+PONG\r\n']],
    ['*0 and *-1, skipped', '*0\r\n*-1\r\nPING\r\n', ['+PONG\r\n']],
    [
      'an unknown inline command, such as $-5',
      '$-5\r\nPING\r\n',
      ["-ERR unknown command '$-5', with args beginning with: \r\n", '+PONG\r\n'],
    ],
  ];
  for (const [name, bytes, replies] of cases) {
    it(name, async () => {
      const raw = await RawClient.connect(service.respPort);
      try {
        raw.send(bytes);
        // Then a PING of our own: its answer means every earlier one came.
        raw.send(encodeCommand('PING', 'end'));
        const all = [...replies, '$3\r\nend\r\n'];
        await raw.until((t) => splitReplies(t).length >= all.length, PATIENCE_MS);
        expect(raw.text).toBe(all.join(''));
        expect(raw.ended).toBe(false);
      } finally {
        raw.close();
      }
    });
  }
});

describe('random bytes', () => {
  /** What the parser makes of `bytes`: the commands in them, then the protocol error if any. */
  function parse(bytes: Uint8Array): { commands: Buffer[][]; error: string | undefined } {
    const parser = new RequestParser();
    parser.push(Buffer.from(bytes));
    const commands: Buffer[][] = [];
    try {
      for (let c = parser.next(); c !== undefined; c = parser.next()) commands.push(c);
    } catch (error) {
      if (!(error instanceof RespProtocolError)) throw error;
      return { commands, error: error.message };
    }
    return { commands, error: undefined };
  }

  const bytes = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 4096 }),
    fc
      .tuple(
        fc.constantFrom('*', '*2\r\n', '*1\r\n$', '*3\r\n$3\r\nSET\r\n', '"', "'"),
        fc.uint8Array({ maxLength: 512 }),
      )
      .map(([head, tail]) => Buffer.concat([Buffer.from(head), tail])),
    fc
      .array(
        fc.string({
          unit: fc.constantFrom('a', 'Z', ' ', '\t', '"', "'", '\\', 'x', '4', '\0', '*', '$'),
          maxLength: 24,
        }),
        { minLength: 1, maxLength: 8 },
      )
      .map((lines) => Buffer.from(`${lines.join('\r\n')}\r\n`)),
  );

  it('never crash the service nor hang a connection: error replies, and a close after a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, async (garbage) => {
        const { commands, error } = parse(garbage);
        // Bytes that happen to spell a real command would get a real answer: not garbage.
        fc.pre(commands.every((c) => !COMMANDS.has(lowerName(c[0]!))));
        const raw = await RawClient.connect(service.respPort);
        try {
          raw.send(Buffer.from(garbage));
          // Unknown commands are answered; then a protocol error closes the connection, and
          // any other end of the bytes (an incomplete request) waits for more: we end our side.
          const count = commands.length + (error === undefined ? 0 : 1);
          await raw.until((t) => splitReplies(t).length >= count, PATIENCE_MS);
          if (error === undefined) raw.socket.end();
          await raw.until(() => false, PATIENCE_MS);
          const replies = splitReplies(raw.text);
          expect(replies.join('')).toBe(raw.text);
          expect(replies).toHaveLength(count);
          for (const reply of replies.slice(0, commands.length)) {
            expect(reply).toMatch(/^-ERR unknown command '[^\r\n]*\r\n$/);
          }
          if (error !== undefined && /^[\x20-\x7e]*$/.test(error)) {
            expect(replies.at(-1)).toBe(`-${error}\r\n`);
          } else if (error !== undefined) {
            // A byte of 0x80 or more in `got 'X'`: see the known divergence below.
            expect(replies.at(-1)).toMatch(
              /^-ERR Protocol error: expected '\$', got '[^\r\n]+'\r\n$/,
            );
          }
        } finally {
          raw.close();
        }
        await expectServing();
      }),
      { numRuns: 150 },
    );
  });
});

describe('client bytes echoed in errors', () => {
  it('a byte of 0x80 or more in place of $ is echoed as that byte, as Redis does', async () => {
    expect(await refused(Buffer.from('*1\r\n\x80', 'latin1'))).toBe(
      "-ERR Protocol error: expected '$', got '\x80'\r\n",
    );
  });

  it('an unknown command and its arguments come back as the bytes sent', async () => {
    const raw = await RawClient.connect(service.respPort);
    try {
      raw.send(Buffer.from('*2\r\n$2\r\n\xff\xfe\r\n$1\r\n\x80\r\n', 'latin1'));
      const [reply] = await raw.replies(1);
      expect(reply).toBe("-ERR unknown command '\xff\xfe', with args beginning with: '\x80' \r\n");
    } finally {
      raw.close();
    }
  });
});

describe('a half command, then a disconnect', () => {
  for (const [name, bytes] of [
    ['cut in the key', '*3\r\n$3\r\nSET\r\n$1\r\nk'],
    ['cut before the last CRLF', '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv'],
    ['cut in an inline line', 'SET k v'],
  ] as const) {
    it(`${name}: the command does not run, the connection is gone`, async () => {
      const raw = await RawClient.connect(service.respPort);
      expect(await settledClients(2)).toBe(2);
      raw.send(bytes);
      raw.socket.end();
      await raw.closed();
      expect(raw.text).toBe('');
      // The server has seen the close, after every byte sent before it.
      expect(await settledClients(1)).toBe(1);
      expect(await checker.exists('k')).toBe(0);
    });
  }
});

describe('memory under abuse', () => {
  /** Runs `client` on 16 connections at once; checks nothing stays connected afterwards. */
  async function sixteen(client: (i: number) => Promise<void>): Promise<void> {
    await Promise.all(Array.from({ length: 16 }, (_, i) => client(i)));
    expect(await settledClients(1)).toBe(1);
  }

  it('16 clients declare a bulk of 2^30 and stream junk: refused before buffering, +64 MiB peak at most', async () => {
    const pid = service.child.pid!;
    const before = await resetPeakRss(pid);
    await sixteen(async () => {
      const raw = await RawClient.connect(service.respPort);
      try {
        raw.send(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${2 ** 30}\r\n`);
        await streamJunk(raw, 64 * MiB);
        await raw.until((t) => t.endsWith('\r\n'), PATIENCE_MS);
        expect(raw.text).toBe('-ERR Protocol error: invalid bulk length\r\n');
      } finally {
        raw.close();
      }
    });
    const after = await peakRss(pid);
    expect(after - before, `peak RSS ${before} -> ${after} bytes`).toBeLessThan(64 * MiB);
    expect(await checker.exists('big')).toBe(0);
  });

  it('16 clients declare the largest bulk allowed and stream junk past it: each is refused once its bulk is read', async () => {
    const pid = service.child.pid!;
    const before = await resetPeakRss(pid);
    await sixteen(async () => {
      const raw = await RawClient.connect(service.respPort);
      try {
        raw.send(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${maxBulk}\r\n`);
        const sent = await streamJunk(raw, maxBulk + 8 * MiB);
        await raw.until((t) => t.endsWith('\r\n'), PATIENCE_MS);
        expect(raw.text).toBe('-ERR Protocol error: expected CRLF after bulk data\r\n');
        expect(sent).toBeGreaterThan(maxBulk);
      } finally {
        raw.close();
      }
    });
    const after = await peakRss(pid);
    // Each of the 16 may hold one bulk of the largest size, twice while the parser's buffer
    // grows, plus 64 MiB; the junk past it is never kept.
    expect(after - before, `peak RSS ${before} -> ${after} bytes`).toBeLessThan(
      16 * 2 * maxBulk + 64 * MiB,
    );
    expect(await checker.exists('big')).toBe(0);
  });

  it('16 clients send 8 half commands each (a bulk of the largest size, half its body) and disconnect: nothing is kept', async () => {
    const pid = service.child.pid!;
    const before = await resetPeakRss(pid);
    const body = Buffer.alloc(maxBulk >>> 1, 'h');
    await sixteen(async () => {
      for (let round = 0; round < 8; round++) {
        const raw = await RawClient.connect(service.respPort);
        raw.send(`*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$${maxBulk}\r\n`);
        await new Promise<void>((resolve) => raw.socket.write(body, () => resolve()));
        raw.socket.end();
        await raw.closed();
        expect(raw.text).toBe('');
      }
    });
    const after = await peakRss(pid);
    // Each of the 16 holds at most what it sent (half a bulk), twice while the parser's buffer
    // grows, plus 64 MiB; had the server kept what 128 half commands sent, that is 1 GiB.
    expect(after - before, `peak RSS ${before} -> ${after} bytes`).toBeLessThan(
      16 * maxBulk + 64 * MiB,
    );
    expect(await checker.exists('half')).toBe(0);
  });
});

describe('after all of that', () => {
  it('the data written first is still there, and the only connection left is ours', async () => {
    expect(await checker.get('kept')).toBe('written before the abuse');
    expect(await settledClients(1)).toBe(1);
  });
});
