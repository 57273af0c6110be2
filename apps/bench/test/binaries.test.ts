import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findOnPath,
  findRedisBinaries,
  RedisMissingError,
  redisSkipReason,
  underCi,
} from '../src/peers/binaries.js';

let bin: string;
let other: string;

async function program(dir: string, name: string, mode = 0o755): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, mode);
  return path;
}

beforeEach(async () => {
  bin = await mkdtemp(join(tmpdir(), 'bench-bin-'));
  other = await mkdtemp(join(tmpdir(), 'bench-bin-'));
});
afterEach(async () => {
  await rm(bin, { recursive: true, force: true });
  await rm(other, { recursive: true, force: true });
});

describe('findOnPath', () => {
  it('finds the first executable file of that name along PATH, as command -v does', async () => {
    await program(bin, 'redis-cli', 0o644);
    await mkdir(join(bin, 'redis-server'));
    const cli = await program(other, 'redis-cli');
    const env = { PATH: [bin, '', other].join(delimiter) };
    expect(findOnPath('redis-cli', env)).toBe(cli);
    expect(findOnPath('redis-server', env)).toBeUndefined();
    expect(findOnPath('redis-cli', {})).toBeUndefined();
  });
});

describe('findRedisBinaries', () => {
  it('reports what is missing in one line naming the Debian packages that bring it', async () => {
    const server = await program(bin, 'redis-server');
    const found = findRedisBinaries(undefined, { PATH: bin });
    expect(found.paths).toEqual({ 'redis-server': server });
    expect(found.missing).toEqual(['redis-cli', 'redis-benchmark']);
    expect(found.message).toBe(
      'redis-cli, redis-benchmark not on PATH: apt-get install redis-tools',
    );
    expect(findRedisBinaries(undefined, { PATH: other }).message).toBe(
      'redis-server, redis-cli, redis-benchmark not on PATH: apt-get install redis-server redis-tools',
    );
  });

  it('says nothing when every program asked for is there', async () => {
    await program(bin, 'redis-benchmark');
    const found = findRedisBinaries(['redis-benchmark'], { PATH: bin });
    expect(found.missing).toEqual([]);
    expect(found.message).toBeUndefined();
  });
});

describe('redisSkipReason', () => {
  it('is the line to skip with outside CI, undefined when all is there', async () => {
    expect(redisSkipReason(['redis-server'], { PATH: bin })).toBe(
      'redis-server not on PATH: apt-get install redis-server',
    );
    expect(redisSkipReason(['redis-server'], { PATH: bin, CI: 'false' })).toContain('apt-get');
    await program(bin, 'redis-server');
    expect(redisSkipReason(['redis-server'], { PATH: bin, CI: 'true' })).toBeUndefined();
  });

  it('throws under CI, where a missing server is a broken machine, not a reason to skip', () => {
    let thrown: unknown;
    try {
      redisSkipReason(['redis-cli'], { PATH: bin, CI: 'true' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RedisMissingError);
    expect((thrown as RedisMissingError).code).toBe('BENCH_REDIS_MISSING');
    expect((thrown as RedisMissingError).missing).toEqual(['redis-cli']);
    expect((thrown as Error).message).toContain('apt-get install redis-tools');
  });

  it('reads CI as set unless it is empty, 0 or false', () => {
    expect(underCi({ CI: 'true' })).toBe(true);
    expect(underCi({ CI: '1' })).toBe(true);
    for (const ci of [undefined, '', '0', 'false', 'FALSE'])
      expect(underCi({ CI: ci })).toBe(false);
  });
});
