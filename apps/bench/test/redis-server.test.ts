import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisSkipReason } from '../src/peers/binaries.js';
import { type RedisServer, RedisStartError, startRedisServer } from '../src/peers/redis-server.js';

const run = promisify(execFile);
const skip = redisSkipReason(['redis-server', 'redis-cli']);
if (skip) console.warn(`skipped: redis-server tests (${skip})`);

/** One redis-cli command against `server`; its reply, trimmed. */
async function cli(server: RedisServer, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', [
    '-h',
    server.host,
    '-p',
    String(server.port),
    ...args,
  ]);
  return stdout.trim();
}

/** Whether a process with this pid still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(skip !== undefined)('startRedisServer', () => {
  let dir: string;
  const started: RedisServer[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-redis-test-'));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('starts on a free port of 127.0.0.1 with the AOF policy asked for, ready at once', async () => {
    const server = await startRedisServer({ appendfsync: 'always' });
    started.push(server);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await cli(server, 'PING')).toBe('PONG');
    expect(await cli(server, 'CONFIG', 'GET', 'appendfsync')).toBe('appendfsync\nalways');
    expect(await cli(server, 'CONFIG', 'GET', 'appendonly')).toBe('appendonly\nyes');
    expect(await cli(server, 'CONFIG', 'GET', 'save')).toBe('save');
    expect(server.log()).toContain('Ready to accept connections');
  });

  it('stops by pid: SIGTERM, exit 0 awaited, its temp data folder removed', async () => {
    const server = await startRedisServer();
    expect(existsSync(server.dir)).toBe(true);
    await server.stop();
    expect(await server.exited).toBe(0);
    expect(alive(server.pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
    await server.stop();
  });

  it('keeps its AOF in a folder it was given, and leaves that folder in place', async () => {
    const server = await startRedisServer({ dir, appendfsync: 'everysec' });
    expect(await cli(server, 'SET', 'k', 'v')).toBe('OK');
    await server.stop();
    expect(await readdir(join(dir, 'appendonlydir'))).toContainEqual(
      expect.stringMatching(/\.incr\.aof$/),
    );
    const again = await startRedisServer({ dir, appendonly: true });
    started.push(again);
    expect(await cli(again, 'GET', 'k')).toBe('v');
  });

  it('runs two side by side on different ports', async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    started.push(a, b);
    expect(a.port).not.toBe(b.port);
    await cli(a, 'SET', 'only-in', 'a');
    expect(await cli(b, 'EXISTS', 'only-in')).toBe('0');
  });

  it('fails with its log when the port it was told to use is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startRedisServer({ port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisStartError);
      expect((error as RedisStartError).code).toBe('BENCH_REDIS_START');
      expect((error as Error).message).toMatch(/exited .* before it was ready.*in use/s);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
