import { once } from 'node:events';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type FileSystem, LOCK_FILE, nodeFileSystem, openWal } from '../src/index.js';
import { processStartTime } from '../src/lock/directory-lock.js';
import { INIT_PID_NAMESPACE, machineId, pidNamespace } from '../src/lock/identity.js';
import { setRecord } from '../src/testing/index.js';
import { hermesWal } from './helpers/cli.js';
import { Holders, openOnce, pidNamespaces, processState, until } from './helpers/holders.js';
import { replayKeys, tempDir } from './helpers/wal-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
const holders = new Holders();

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  await holders.cleanup();
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
    const child = (await holders.start(dir)).process;
    const error = await openWal({ dir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WAL_LOCKED' });
    expect(String((error as Error).message)).toContain(String(child.pid));
    child.stdin?.end();
    await once(child, 'exit');
  });

  test('a lock left by a SIGKILLed process does not block reopening', async () => {
    const child = (await holders.start(dir)).process;
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
  const child = (await holders.start(dir)).process;
  child.kill('SIGKILL');
  await once(child, 'exit');
  await writeFile(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid: child.pid, start: '1', host: 'old-pod-name' }),
  );
  const { wal: again } = await openWal({ dir });
  await again.close();
});

test('closing leaves alone a LOCK that another holder took after it was broken by hand', async () => {
  const { wal } = await openWal({ dir });
  const other = JSON.stringify({ pid: 999_999_999, start: '1', host: 'h', token: 'not-ours' });
  await writeFile(join(dir, LOCK_FILE), other); // as after `unlock --force` and another opener
  await wal.close();
  expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(other);
});

test('a holder SIGKILLed and not yet reaped (a zombie) does not block a restart', async () => {
  const holder = await holders.start(dir, 'unreaped');
  process.kill(holder.pid, 'SIGKILL');
  // No exit event to wait for: its parent never reaps it. It is dead once it is a zombie.
  await until(() => processState(holder.pid) === 'Z', `process ${holder.pid} to become a zombie`);
  const { wal } = await openWal({ dir });
  await wal.append(setRecord(1));
  await wal.close();
  expect(processState(holder.pid)).toBe('Z');
  expect(await replayKeys(dir)).toEqual(['k1']);
});

test('a LOCK from another boot is never taken over, even if its pid is free here', async () => {
  const { wal } = await openWal({ dir });
  await wal.close();
  const lock = {
    pid: 999_999_999,
    start: '1',
    host: 'elsewhere',
    boot: 'another-boot',
    pidns: null,
  };
  await writeFile(join(dir, LOCK_FILE), JSON.stringify(lock));
  const error = await openWal({ dir }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'WAL_LOCKED' });
  expect(String((error as Error).message)).toContain('boot another-boot');
  expect(String((error as Error).message)).toContain(`hermes-wal unlock ${dir}`);
});

/** A LOCK as this machine would have written it in an earlier boot, with `overrides`. */
function earlierBootLock(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    pid: process.pid,
    start: '1',
    host: hostname(),
    boot: 'an-earlier-boot',
    pidns: INIT_PID_NAMESPACE,
    machine: machineId(),
    token: 'left-by-a-power-loss',
    ...overrides,
  });
}

test('a LOCK from an earlier boot of this machine does not block the start after a power loss', async () => {
  const { wal } = await openWal({ dir });
  await wal.append(setRecord(1));
  await wal.close();
  await writeFile(join(dir, LOCK_FILE), earlierBootLock());
  const provable = machineId() !== null && pidNamespace() === INIT_PID_NAMESPACE;
  const opened = await openWal({ dir }).catch((e: unknown) => e);
  if (!provable) {
    // Without a machine id, or inside a container, the restart cannot be proven: refused.
    console.log('this process is in a container or has no /etc/machine-id: expecting WAL_LOCKED');
    expect(opened).toMatchObject({ code: 'WAL_LOCKED' });
    return;
  }
  const { wal: again } = opened as Awaited<ReturnType<typeof openWal>>;
  await again.append(setRecord(2));
  await again.close();
  expect(await replayKeys(dir)).toEqual(['k1', 'k2']);
});

test.each([
  ['another machine id', { machine: 'another-machine' }],
  ['no machine id (an older LOCK)', { machine: null }],
  ['another host name', { host: 'elsewhere' }],
  ['a container (another pid namespace)', { pidns: 'pid:[4026532999]' }],
])('a LOCK from an earlier boot with %s is never taken over', async (_name, overrides) => {
  const { wal } = await openWal({ dir });
  await wal.close();
  await writeFile(join(dir, LOCK_FILE), earlierBootLock(overrides));
  const error = await openWal({ dir }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'WAL_LOCKED' });
  expect(String((error as Error).message)).toContain('boot an-earlier-boot');
});

describe('pid namespaces (containers)', () => {
  const namespaces = pidNamespaces();
  if (!namespaces.ok) {
    console.log(
      `SKIP pid namespace lock tests: cannot run unshare --pid --fork --mount-proc (${namespaces.why})`,
    );
  }
  const nsTest = namespaces.ok ? test : test.skip;

  nsTest(
    'a holder in another pid namespace blocks this one, though its pid means nothing here',
    async () => {
      await holders.start(dir, 'namespace');
      const lock = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
      expect(lock.pid).toBe(1);
      const error = await openWal({ dir }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'WAL_LOCKED' });
      expect(String((error as Error).message)).toContain('pid namespace');
    },
  );

  nsTest(
    'two openers that are both pid 1 in their own namespaces: the second gets WAL_LOCKED',
    async () => {
      await holders.start(dir, 'namespace');
      expect(await openOnce(dir, true)).toMatch(/^WAL_LOCKED /);
    },
  );

  nsTest(
    'an opener in a new pid namespace does not take over a live holder of this one',
    async () => {
      const { wal } = await openWal({ dir });
      expect(await openOnce(dir, true)).toMatch(/^WAL_LOCKED /);
      await wal.append(setRecord(1));
      await wal.close();
      expect(await openOnce(dir, true)).toBe('opened');
    },
  );

  nsTest(
    'a namespace whose holder was SIGKILLed stays locked until hermes-wal unlock proves it gone',
    async () => {
      const holder = await holders.start(dir, 'namespace');
      holder.process.kill('SIGKILL');
      await once(holder.process, 'exit');
      await expect(openWal({ dir })).rejects.toMatchObject({ code: 'WAL_LOCKED' });
      const ran = await hermesWal('unlock', dir);
      expect(ran.stdout).toContain('cannot be checked directly');
      // Gone altogether, or a zombie its dead parent's reaper has not collected yet: both are dead.
      expect(ran.stdout).toMatch(
        /the holder is gone: (no process of this machine runs as pid 1 in pid namespace|process 1 of pid namespace .* \(a zombie)/,
      );
      expect(ran.code).toBe(0);
      const { wal } = await openWal({ dir });
      await wal.close();
    },
  );

  nsTest('hermes-wal unlock finds a live holder inside another namespace and refuses', async () => {
    await holders.start(dir, 'namespace');
    const ran = await hermesWal('unlock', dir, '--force');
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(
      /process 1 of pid namespace pid:\[\d+\] is process \d+ here, and it runs/,
    );
  });
});
