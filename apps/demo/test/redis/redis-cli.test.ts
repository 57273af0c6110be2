import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realBinary } from '../helpers/real-servers.js';
import { startRedisService } from './helpers.js';

const run = promisify(execFile);
const cli = realBinary('redis-cli');

describe.skipIf(cli === undefined)('redis-cli against the Redis front', () => {
  let hermes: Awaited<ReturnType<typeof startRedisService>>;
  const redisCli = async (...args: string[]): Promise<string> =>
    (await run(cli!, ['-h', '127.0.0.1', '-p', String(hermes.port), ...args])).stdout;

  beforeAll(async () => {
    hermes = await startRedisService();
  });
  afterAll(() => hermes.stop());

  it('runs commands given as arguments, with Redis output formats', async () => {
    expect(await redisCli('PING')).toBe('PONG\n');
    expect(await redisCli('SET', 'greeting', 'hello world')).toBe('OK\n');
    expect(await redisCli('GET', 'greeting')).toBe('hello world\n');
    expect(await redisCli('--raw', 'INCRBY', 'n', '5')).toBe('5\n');
    expect(await redisCli('MGET', 'greeting', 'none')).toBe('hello world\n\n');
    expect(await redisCli('--no-raw', 'MGET', 'greeting', 'none')).toBe(
      '1) "hello world"\n2) (nil)\n',
    );
    expect(await redisCli('NOSUCH')).toMatch(/^ERR unknown command 'NOSUCH'/);
    expect(await redisCli('INFO', 'persistence')).toMatch(/hermes_sync_policy:always/);
    expect(await redisCli('DBSIZE')).toBe('2\n');
  });

  it('--scan with a pattern pages through every matching key', async () => {
    const pipe = Array.from({ length: 120 }, (_, i) => `SET user:${i} v\n`).join('');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(cli!, ['-h', '127.0.0.1', '-p', String(hermes.port)], {
        stdio: ['pipe', 'ignore', 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
      child.stdin.end(pipe);
    });
    const keys = (await redisCli('--scan', '--pattern', 'user:*')).trim().split('\n').sort();
    expect(keys).toEqual(Array.from({ length: 120 }, (_, i) => `user:${i}`).sort());
  });

  it('--pipe sends 10,000 commands in the raw protocol and reads every reply', async () => {
    const commands = Array.from({ length: 10_000 }, (_, i) => {
      const args = ['SET', `piped:${i}`, `value ${i}`];
      return `*3\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    }).join('');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(cli!, ['-h', '127.0.0.1', '-p', String(hermes.port), '--pipe'], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`)),
      );
      child.stdin.end(commands);
    });
    expect(output).toMatch(/errors: 0, replies: 10000/);
    expect(await redisCli('GET', 'piped:9999')).toBe('value 9999\n');
  });
});
