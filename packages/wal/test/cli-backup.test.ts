import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../src/index.js';
import { LOCK_FILE } from '../src/layout.js';
import { processStartTime } from '../src/lock/directory-lock.js';
import { setRecord, setRecords } from '../src/testing/index.js';
import { hermesWal } from './helpers/cli.js';
import { listDir, replay, useTempDir, writeSegment, writeSnapshot } from './helpers/log-dir.js';

let root = '';
let dir = '';
let target = '';
useTempDir((made) => {
  root = made;
  dir = join(root, 'data');
  target = join(root, 'backups', 'one');
});
beforeEach(async () => {
  await mkdir(dir);
});

/** The state `records` replay to (ASCII keys: code-unit order is key order), values as text. */
function fold(records: readonly LogRecord[]): Map<string, string> {
  const state = new Map<string, string>();
  for (const record of records) {
    if (record.type === 'clear') {
      for (const key of [...state.keys()]) {
        const inside =
          (record.gte === undefined || key >= record.gte) &&
          (record.lt === undefined || key < record.lt);
        if (inside) state.delete(key);
      }
      continue;
    }
    for (const op of record.type === 'batch' ? record.ops : [record]) {
      if (op.type === 'set') state.set(op.key, Buffer.from(op.value).toString());
      else state.delete(op.key);
    }
  }
  return state;
}

/** What the log in `at` replays to. */
async function stateOf(at: string): Promise<Map<string, string>> {
  return fold((await replay(at, { readOnly: true })).records);
}

/** A log with a snapshot, then segments holding a delete, a batch and a ranged clear. */
async function sampleLog(): Promise<void> {
  await writeSnapshot(dir, 2, setRecords(0, 5));
  await writeSegment(dir, 2, [
    { type: 'delete', key: 'k1' },
    {
      type: 'batch',
      ops: [
        { type: 'set', key: 'k7', value: Buffer.from('value-7') },
        { type: 'set', key: 'k2', value: Buffer.from('two') },
      ],
    },
  ]);
  await writeSegment(dir, 3, [{ type: 'clear', gte: 'k3', lt: 'k5' }, setRecord(9)]);
}

/** The names and bytes of every file in `at`. */
async function filesOf(at: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await listDir(at))
    out[name] = (await readFile(join(at, name))).toString('hex');
  return out;
}

describe('hermes-wal backup', () => {
  it('copies a log no process holds to a new directory that replays to the same state, leaving the log unchanged', async () => {
    await sampleLog();
    const before = await filesOf(dir);
    const ran = await hermesWal('backup', dir, target);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const expected = new Map([
      ['k0', 'value-0'],
      ['k2', 'two'],
      ['k7', 'value-7'],
      ['k9', 'value-9'],
    ]);
    expect(await stateOf(dir)).toEqual(expected);
    expect(await stateOf(target)).toEqual(expected);
    expect(await listDir(target)).toEqual(['0000000000000001.snap', '0000000000000001.wal']);
    expect(ran.stdout).toContain(`backed up ${dir} to ${target}: 4 keys from 9 records`);
    expect(await filesOf(dir)).toEqual(before);
  });

  it('--json prints one object with the target, keys, bytes, position, duration and torn tail', async () => {
    await sampleLog();
    const ran = await hermesWal('backup', dir, target, '--json');
    expect(ran.code).toBe(0);
    const out = JSON.parse(ran.stdout) as { bytes: number; durationMs: unknown };
    expect(out).toMatchObject({ target, keys: 4, position: 9, tornTail: null });
    expect(out.bytes).toBeGreaterThan(0);
    expect(typeof out.durationMs).toBe('number');
  });

  it('refuses a log a live process holds (WAL_LOCKED, exit 2), pointing at POST /admin/backup', async () => {
    await writeSegment(dir, 1, setRecords(0, 3));
    await writeFile(
      join(dir, LOCK_FILE),
      `${JSON.stringify({ pid: process.pid, start: processStartTime(process.pid), host: hostname() })}\n`,
    );
    const ran = await hermesWal('backup', dir, target);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_LOCKED');
    expect(ran.stderr).toContain('POST /admin/backup');
    expect(await listDir(root)).toEqual(['data']);
  });

  it('refuses a target that holds files (WAL_BACKUP_TARGET_EXISTS, exit 2), changing nothing', async () => {
    await writeSegment(dir, 1, setRecords(0, 3));
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'mine.txt'), 'keep');
    const ran = await hermesWal('backup', dir, target);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_BACKUP_TARGET_EXISTS');
    expect(await listDir(target)).toEqual(['mine.txt']);
  });

  it('leaves a torn tail out of the copy, says so, and does not cut it from the log', async () => {
    const seg = await writeSegment(dir, 1, setRecords(0, 3));
    await truncate(seg.path, seg.size - 2);
    const ran = await hermesWal('backup', dir, target);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`left out a torn tail of`);
    expect(await stateOf(target)).toEqual(
      new Map([
        ['k0', 'value-0'],
        ['k1', 'value-1'],
      ]),
    );
    expect((await readFile(seg.path)).length).toBe(seg.size - 2);
    expect(await listDir(dir)).toEqual(['0000000000000001.wal']);
  });

  it('refuses mid-log damage (WAL_CORRUPT, exit 2) and writes no target', async () => {
    const seg = await writeSegment(dir, 1, setRecords(0, 3));
    const bytes = await readFile(seg.path);
    bytes[seg.offsets[1]! + 4]! ^= 1;
    await writeFile(seg.path, bytes);
    const ran = await hermesWal('backup', dir, target);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_CORRUPT');
    expect(await listDir(root)).toEqual(['data']);
  });

  it('refuses a missing log directory (WAL_BAD_DIRECTORY, exit 2) without creating it', async () => {
    const ran = await hermesWal('backup', join(root, 'nope'), target);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_BAD_DIRECTORY');
    expect(await listDir(root)).toEqual(['data']);
  });

  it('refuses a target inside the log directory (WAL_INVALID_OPTIONS, exit 2), leaving the log as it was', async () => {
    await writeSegment(dir, 1, setRecords(0, 3));
    const ran = await hermesWal('backup', dir, join(dir, 'copy'));
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_INVALID_OPTIONS');
    expect(await listDir(dir)).toEqual(['0000000000000001.wal']);
  });

  it('is a usage error (exit 64) without both <dir> and <target>', async () => {
    const ran = await hermesWal('backup', dir);
    expect(ran.code).toBe(64);
    expect(ran.stderr).toContain('expected <dir> and <target>');
  });
});
