import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type FileSystem, LOCK_FILE, nodeFileSystem, openWal } from '../src/index.js';
import { processStartTime } from '../src/lock.js';
import { replayKeys, setRecord, tempDir } from './helpers/wal-fixtures.js';

const holder = fileURLToPath(new URL('./fixtures/lock-holder.ts', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await cleanup();
});

/** `nodeFileSystem` with every path under `alias` redirected to `target`. */
function mountedAt(alias: string, target: string): FileSystem {
  const map = (path: string): string =>
    path.startsWith(alias) ? target + path.slice(alias.length) : path;
  const fs: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(nodeFileSystem)) {
    fs[name] = (...args: unknown[]) =>
      (fn as (...a: unknown[]) => unknown)(
        ...args.map((a) => (typeof a === 'string' ? map(a) : a)),
      );
  }
  return fs as unknown as FileSystem;
}

/** Starts a child that opens the log and holds it; resolves once it says so. */
async function startHolder(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@hermes/source', '--import', 'tsx', holder, dir],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
  return child;
}

describe('one writer per directory', () => {
  test('a second opener in the same process gets WAL_LOCKED at once', async () => {
    const { wal } = await openWal({ dir });
    await expect(openWal({ dir })).rejects.toMatchObject({ code: 'WAL_LOCKED' });
    await expect(openWal({ dir: join(dir, '.') })).rejects.toMatchObject({ code: 'WAL_LOCKED' });
    await wal.append(setRecord(1));
    await wal.close();
    const { wal: again } = await openWal({ dir });
    await again.close();
  });

  test('a second opener through a symlink to the directory gets WAL_LOCKED', async () => {
    const { wal } = await openWal({ dir });
    const link = `${dir}-link`;
    await symlink(dir, link);
    const error = await openWal({ dir: link }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WAL_LOCKED' });
    expect(String((error as Error).message)).toContain('this process');
    await wal.append(setRecord(1));
    await wal.close();
    const { wal: again } = await openWal({ dir: link });
    await again.close();
    expect(await replayKeys(dir)).toEqual(['k1']);
  });

  test('a LOCK naming this process and held by one of its Wals is not taken for a leftover (another mount of the directory)', async () => {
    const { wal } = await openWal({ dir });
    // A path that no realpath leads back to `dir`, as a bind mount of it would be.
    const alias = `${dir}-mount`;
    const fs = mountedAt(alias, dir);
    await expect(openWal({ dir: alias, fs })).rejects.toMatchObject({ code: 'WAL_LOCKED' });
    await wal.close();
    const { wal: again } = await openWal({ dir: alias, fs });
    await again.close();
  });

  test('an opener while another live process holds the log gets WAL_LOCKED', async () => {
    const child = await startHolder();
    const error = await openWal({ dir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WAL_LOCKED' });
    expect(String((error as Error).message)).toContain(String(child.pid));
    child.stdin?.end();
    await once(child, 'exit');
  });

  test('a lock left by a SIGKILLed process does not block reopening', async () => {
    const child = await startHolder();
    child.kill('SIGKILL');
    await once(child, 'exit');
    const lock = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(child.pid);
    const { wal } = await openWal({ dir });
    await wal.append(setRecord(1));
    await wal.close();
    expect(await replayKeys(dir)).toEqual(['k1']);
  });

  test('a reused pid is not mistaken for the holder (start time differs)', async () => {
    const { wal } = await openWal({ dir });
    await wal.close();
    // A lock naming a live process (this test runner's parent) with another start time.
    const start = processStartTime(process.ppid);
    expect(start).not.toBeNull();
    const lock = {
      pid: process.ppid,
      start: `${start}0`,
      host: (await import('node:os')).hostname(),
    };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(lock));
    const { wal: again } = await openWal({ dir });
    await again.close();
    // With its true start time, the same pid holds the lock.
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ ...lock, start }));
    await expect(openWal({ dir })).rejects.toMatchObject({ code: 'WAL_LOCKED' });
  });

  test('a torn (empty) LOCK file is taken over', async () => {
    const { wal } = await openWal({ dir });
    await wal.close();
    await writeFile(join(dir, LOCK_FILE), '');
    const { wal: again } = await openWal({ dir });
    await again.close();
  });
});

test('a lock written under another host name (a restarted container) is taken over when its pid is gone', async () => {
  const { wal } = await openWal({ dir });
  await wal.close();
  const child = await startHolder();
  child.kill('SIGKILL');
  await once(child, 'exit');
  await writeFile(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid: child.pid, start: '1', host: 'old-pod-name' }),
  );
  const { wal: again } = await openWal({ dir });
  await again.close();
});
