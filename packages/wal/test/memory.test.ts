import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBigLog } from './helpers/big-log.js';
import { makeTempDir, removeDir } from './helpers/log-dir.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./fixtures/replay-child.ts', import.meta.url));
const GIB = 1024 * 1024 * 1024;

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('hermes-wal-1gib-');
});
afterAll(async () => {
  await removeDir(dir);
});

describe('replay memory', () => {
  it('replays a 1 GiB log into a consumer that keeps nothing in under 150 MiB of RSS', async () => {
    const log = await writeBigLog(dir, GIB);
    expect(log.bytes).toBeGreaterThanOrEqual(GIB);
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@hermes/source', '--import', 'tsx', child, dir],
      { encoding: 'utf8' },
    );
    const result = JSON.parse(stdout) as { records: number; bytes: number; maxRssBytes: number };
    expect(result.records).toBe(log.records);
    expect(result.bytes).toBe(log.bytes);
    expect(result.maxRssBytes).toBeLessThan(150 * 1024 * 1024);
  }, 120_000);
});
