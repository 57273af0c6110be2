import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { segmentName } from '@hermes/wal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnService, startChild } from './helpers/child.js';
import { http } from './helpers/http.js';
import { tempDir } from './helpers/temp-dir.js';
import { type KeyState, keyNames, runWriters, verifyKeys } from './helpers/writers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
const children: { kill(signal: NodeJS.Signals): boolean }[] = [];

beforeEach(async () => {
  dir = await tempDir();
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await dir.remove();
});

/** Resolves with the exit code, or rejects if it takes longer than `ms`. */
function exitWithin(exited: Promise<number | string>, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${ms} ms`)), ms);
  });
  return Promise.race([exited, late]).finally(() => clearTimeout(timer));
}

describe('command line', () => {
  it('lists every flag with its environment variable on --help, and exits 0', async () => {
    const run = spawnService(['--help']);
    expect(await exitWithin(run.exited, 30_000)).toBe(0);
    for (const flag of [
      '--host',
      '--port',
      '--data-dir',
      '--sync',
      '--recovery',
      '--store',
      '--shards',
      '--max-value-bytes',
    ]) {
      expect(run.stdout()).toContain(flag);
    }
    expect(run.stdout()).toContain('HERMES_DATA_DIR');
  });

  it('exits 2 with a message on a bad flag value', async () => {
    const run = spawnService(['--sync', 'sometimes', '--data-dir', dir.path]);
    expect(await exitWithin(run.exited, 30_000)).toBe(2);
    expect(run.stderr()).toMatch(/--sync "sometimes" is not a policy/);
  });

  it('takes flags after a leading "--" and HERMES_* variables, prints one line, and stops on SIGINT with 0', async () => {
    const service = await startChild(['--', '--port', '0', '--data-dir', 'here'], {
      cwd: dir.path,
      env: { HERMES_SYNC: '250ms', HERMES_STORE: 'locked', HERMES_PORT: '1' },
    });
    children.push(service.child);
    expect(service.line).toMatch(/^hermes listening on http:\/\/127\.0\.0\.1:\d+ \| /);
    expect(service.line).not.toContain(':0 ');
    expect(service.line).toContain(`data ${path.join(dir.path, 'here')} `);
    expect(service.line).toContain('sync 250ms');
    expect(service.line).toContain('store locked');
    expect(service.line).toMatch(/replayed 0 records .* no torn tail/);
    expect((await http(service.url, 'PUT', '/kv/a', { body: 'b' })).status).toBe(204);
    service.child.kill('SIGINT');
    expect(await exitWithin(service.exited, 15_000)).toBe(0);
  });

  it('resolves a relative --data-dir against the folder the user ran "pnpm --dir apps/demo start" from', async () => {
    const service = await startChild(['--port', '0', '--data-dir', 'rel'], {
      env: { INIT_CWD: dir.path, npm_lifecycle_event: 'start', npm_package_name: '@hermes/demo' },
    });
    children.push(service.child);
    expect(service.line).toContain(`data ${path.join(dir.path, 'rel')} `);
    service.child.kill('SIGTERM');
    expect(await exitWithin(service.exited, 15_000)).toBe(0);
  });
});

describe('one instance per data folder', () => {
  it('refuses a second instance at once, naming the lock, and leaves the first one serving', async () => {
    const first = await startChild(['--port', '0', '--data-dir', dir.path]);
    children.push(first.child);
    const second = spawnService(['--port', '0', '--data-dir', dir.path]);
    children.push(second.child);
    expect(await exitWithin(second.exited, 30_000)).toBe(3);
    expect(second.stderr()).toContain(path.join(dir.path, 'LOCK'));
    expect(second.stderr()).toMatch(/in use/);
    expect(second.stdout()).toBe('');
    expect((await http(first.url, 'GET', '/healthz')).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await exitWithin(first.exited, 15_000)).toBe(0);
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM under load, exits 0 in bounded time and loses nothing acknowledged', async () => {
    const service = await startChild(['--sync', 'always', '--port', '0', '--data-dir', dir.path]);
    children.push(service.child);
    const keys = keyNames(16);
    const states = new Map<string, KeyState>(
      keys.map((k) => [k, { acked: undefined, pending: undefined }]),
    );
    const statuses = new Map<number, number>();
    let acked = 0;
    let signalled = false;
    const writers = runWriters(service.url, keys, states, {
      tag: 'term',
      statuses,
      stop: () => false,
      onAck: () => {
        if (++acked === 150) {
          signalled = true;
          service.child.kill('SIGTERM');
        }
      },
    });
    const code = await exitWithin(service.exited, 20_000);
    await writers;
    expect(signalled).toBe(true);
    expect(code).toBe(0);
    expect(service.stderr()).toContain('SIGTERM, shutting down');
    expect([...statuses.keys()].every((s) => s === 204 || s === 503)).toBe(true);

    const again = await startChild(['--port', '0', '--data-dir', dir.path]);
    children.push(again.child);
    expect(again.line).toMatch(/no torn tail/);
    expect(await verifyKeys(again.url, states)).toEqual([]);
    again.child.kill('SIGTERM');
    expect(await exitWithin(again.exited, 15_000)).toBe(0);
  });

  it('exits non-zero when the shutdown cannot finish within --shutdown-timeout', async () => {
    const service = await startChild([
      '--port',
      '0',
      '--data-dir',
      dir.path,
      '--shutdown-timeout',
      '300',
    ]);
    children.push(service.child);
    // A request whose body never ends keeps the server from closing.
    const { request } = await import('node:http');
    const req = request(`${service.url}/kv/slow`, {
      method: 'PUT',
      headers: { 'content-length': '100' },
    });
    req.on('error', () => {});
    req.write('not all of it');
    await once(req, 'socket');
    await http(service.url, 'GET', '/healthz'); // the server is up and has the slow request's socket
    service.child.kill('SIGTERM');
    expect(await exitWithin(service.exited, 15_000)).toBe(1);
    expect(service.stderr()).toMatch(/shutdown took longer than 300 ms/);
    req.destroy();
  });
});

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];

/**
 * Has the service write one record per key, stops it, then flips a bit inside the record line in
 * the middle of its segment: damage followed by valid records, which no open may take for a torn
 * write. Returns the damaged segment's path.
 */
async function logDamagedMidFile(): Promise<string> {
  const service = await startChild(['--port', '0', '--data-dir', dir.path]);
  children.push(service.child);
  for (const key of KEYS) {
    expect((await http(service.url, 'PUT', `/kv/${key}`, { body: `value of ${key}` })).status).toBe(
      204,
    );
  }
  service.child.kill('SIGTERM');
  expect(await service.exited).toBe(0);
  const name = (await readdir(dir.path)).find((n) => n.endsWith('.wal'))!;
  const segment = path.join(dir.path, name);
  const bytes = await readFile(segment);
  const middle = Math.floor(bytes.length / 2);
  const start = bytes.lastIndexOf(0x0a, middle) + 1;
  const end = bytes.indexOf(0x0a, middle);
  bytes[Math.floor((start + end) / 2)]! ^= 1;
  await writeFile(segment, bytes);
  return segment;
}

describe('--recovery on a log damaged before its end', () => {
  it.each([
    [['--recovery', 'strict'], 'strict'],
    [[], 'tolerate-tail'],
  ])(
    '%j: refuses to start, naming --recovery salvage and `hermes-wal salvage <dir>`',
    async (flags, mode) => {
      const segment = await logDamagedMidFile();
      const run = spawnService(['--port', '0', '--data-dir', dir.path, ...flags]);
      children.push(run.child);
      expect(await run.exited).toBe(1);
      expect(run.stdout()).toBe('');
      const stderr = run.stderr();
      expect(stderr).toContain(`(--recovery ${mode})`);
      expect(stderr).toContain(segment);
      expect(stderr).toContain('start with --recovery salvage');
      expect(stderr).toContain(`\`hermes-wal salvage ${dir.path}\``);
    },
  );

  it('a missing segment: refuses to start, naming --recovery salvage but not hermes-wal salvage, which cannot fill it', async () => {
    // Segments 1 and 3, each only its header line (FORMAT-DIR.md of @hermes/wal): 2 is missing.
    await writeFile(path.join(dir.path, segmentName(1)), 'HERMES-LOG 1\n');
    await writeFile(path.join(dir.path, segmentName(3)), 'HERMES-LOG 1\n');
    const run = spawnService(['--port', '0', '--data-dir', dir.path]);
    children.push(run.child);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain('missing');
    expect(run.stderr()).toContain('start with --recovery salvage');
    expect(run.stderr()).not.toContain('hermes-wal salvage');
  });

  it('--recovery salvage starts, serves every intact record and says how many were skipped and where they are', async () => {
    await logDamagedMidFile();
    const service = await startChild(['--port', '0', '--data-dir', dir.path], {
      env: { HERMES_RECOVERY: 'salvage' },
    });
    children.push(service.child);
    expect(service.line).toContain('replayed 4 records');
    expect(service.line).toContain('1 damaged record skipped');
    expect(service.line).toContain(`stay in place in the log files of ${dir.path}`);
    expect(service.line).toContain(`\`hermes-wal salvage ${dir.path}\``);
    const found: string[] = [];
    for (const key of KEYS) {
      const got = await http(service.url, 'GET', `/kv/${key}`);
      if (got.status === 200) {
        expect(got.body.toString()).toBe(`value of ${key}`);
        found.push(key);
      } else {
        expect(got.status).toBe(404);
      }
    }
    expect(found).toHaveLength(4);
    expect((await http(service.url, 'PUT', '/kv/after', { body: 'x' })).status).toBe(204);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});
