import { spawn } from 'node:child_process';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, segmentName } from '../src/layout.js';
import { setRecord } from '../src/testing/index.js';
import { CLI, hermesWal } from './helpers/cli.js';
import { makeTempDir, removeDir, writeSegment } from './helpers/log-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

/** Writes a LOCK naming this (live) test process, so the log is held. */
async function holdAsThisProcess(): Promise<void> {
  const { processStartTime } = await import('../src/lock/directory-lock.js');
  const { hostname } = await import('node:os');
  await writeFile(
    join(dir, LOCK_FILE),
    `${JSON.stringify({ pid: process.pid, start: processStartTime(process.pid), host: hostname() })}\n`,
  );
}

/** Segment 1 of three records, the second with a bit flipped: damage followed by a valid record. */
async function damagedSegment() {
  const seg = await writeSegment(dir, 1, [setRecord(0), setRecord(1), setRecord(2)]);
  const bytes = await readFile(seg.path);
  bytes[seg.offsets[1]! + 4]! ^= 1;
  await writeFile(seg.path, bytes);
  return { seg, bytes };
}

describe('hermes-wal verify', () => {
  it('exits 0 on a clean log and reports segments and records', async () => {
    await writeSegment(dir, 1, [setRecord(0), setRecord(1)]);
    await writeSegment(dir, 2, [setRecord(2)]);
    const ran = await hermesWal('verify', dir);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('segments: 2');
    expect(ran.stdout).toContain('records: 3');
    expect(ran.stdout).toContain('verdict: clean');
    expect(ran.stdout).not.toContain('note: process');
  });

  it('exits 1 on a torn tail, says what repair would do, and changes nothing', async () => {
    const seg = await writeSegment(dir, 1, [setRecord(0), setRecord(1)]);
    await truncate(seg.path, seg.size - 2);
    const ran = await hermesWal('verify', dir);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain(`torn tail: ${seg.path} at byte ${seg.offsets[1]}`);
    expect(ran.stdout).toContain(`${segmentName(1)}.broken`);
    expect((await readFile(seg.path)).length).toBe(seg.size - 2);
  });

  it('exits 2 on mid-log corruption and names file, offset and reason', async () => {
    const seg = await writeSegment(dir, 1, [setRecord(0), setRecord(1), setRecord(2)]);
    const bytes = await readFile(seg.path);
    bytes[seg.offsets[1]! + seg.lengths[1]! - 3]! ^= 1;
    await writeFile(seg.path, bytes);
    const ran = await hermesWal('verify', dir);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toContain(`corrupt: ${seg.path} at byte ${seg.offsets[1]}`);
    expect(ran.stdout).toContain('checksum');
    expect(ran.stdout).toContain('verdict: CORRUPT');
  });

  it('exits 64 on a usage error and prints help on --help', async () => {
    const none = await hermesWal('verify');
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('Usage: hermes-wal verify <dir>');
    const unknown = await hermesWal('frobnicate', dir);
    expect(unknown.code).toBe(64);
    const help = await hermesWal('repair', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hermes-wal repair <dir>');
  });
});

describe('hermes-wal dump', () => {
  it('prints each record with its file and offset, text values escaped, binary in base64', async () => {
    const seg = await writeSegment(dir, 1, [
      { type: 'set', key: 'user:1', value: Buffer.from('Ada "the first"\n') },
      { type: 'set', key: 'a key', value: Buffer.from([0, 1, 255]) },
      { type: 'delete', key: 'user:1' },
      {
        type: 'batch',
        ops: [
          { type: 'set', key: 'x', value: Buffer.from('1') },
          { type: 'delete', key: 'y' },
        ],
      },
    ]);
    const ran = await hermesWal('dump', dir);
    expect(ran.code).toBe(0);
    const name = segmentName(1);
    expect(ran.stdout.split('\n')).toEqual([
      `${name}@${seg.offsets[0]} SET user:1 "Ada \\"the first\\"\\n"`,
      `${name}@${seg.offsets[1]} SET "a key" base64:AAH/`,
      `${name}@${seg.offsets[2]} DEL user:1`,
      `${name}@${seg.offsets[3]} BATCH 2 [SET x "1"; DEL y]`,
      '',
    ]);
  });

  it('--json prints one object per line with base64 values', async () => {
    const seg = await writeSegment(dir, 1, [
      { type: 'set', key: 'k', value: Buffer.from('hi') },
      { type: 'delete', key: 'k' },
    ]);
    const ran = await hermesWal('dump', dir, '--json');
    expect(ran.code).toBe(0);
    const lines = ran.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      {
        file: segmentName(1),
        segment: 1,
        offset: seg.offsets[0],
        type: 'set',
        key: 'k',
        value: 'aGk=',
        text: 'hi',
      },
      { file: segmentName(1), segment: 1, offset: seg.offsets[1], type: 'delete', key: 'k' },
    ]);
  });
});

describe('hermes-wal repair', () => {
  it('cuts the torn tail into a .broken file, after which verify is clean', async () => {
    const seg = await writeSegment(dir, 1, [setRecord(0), setRecord(1)]);
    await truncate(seg.path, seg.size - 2);
    const ran = await hermesWal('repair', dir);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`cut a torn tail of ${seg.lengths[1]! - 2} bytes`);
    expect((await readFile(seg.path)).length).toBe(seg.offsets[1]);
    expect((await readFile(`${seg.path}.broken`)).length).toBe(seg.lengths[1]! - 2);
    expect((await hermesWal('verify', dir)).code).toBe(0);
    const again = await hermesWal('repair', dir);
    expect(again.stdout).toContain('nothing to repair');
  });

  it('refuses a log held by a live process (WAL_LOCKED) and leaves it untouched', async () => {
    const seg = await writeSegment(dir, 1, [setRecord(0), setRecord(1)]);
    await truncate(seg.path, seg.size - 2);
    await holdAsThisProcess();
    const ran = await hermesWal('repair', dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_LOCKED');
    const verified = await hermesWal('verify', dir);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`note: process ${process.pid}`);
    expect((await readFile(seg.path)).length).toBe(seg.size - 2);
  });

  it('reports mid-log corruption with exit 2, names hermes-wal salvage, and cuts nothing', async () => {
    const seg = await writeSegment(dir, 1, [setRecord(0), setRecord(1), setRecord(2)]);
    const bytes = await readFile(seg.path);
    bytes[seg.offsets[0]! + seg.lengths[0]! - 3]! ^= 1;
    await writeFile(seg.path, bytes);
    const ran = await hermesWal('repair', dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_CORRUPT');
    expect(ran.stderr).toContain(`byte ${seg.offsets[0]}`);
    expect(ran.stderr).toContain(`\`hermes-wal salvage ${dir}\``);
    expect((await readFile(seg.path)).equals(bytes)).toBe(true);
  });
});

describe('hermes-wal salvage', () => {
  it('drops mid-log damage into a .salvaged file, reports counts, then verify passes', async () => {
    const { seg } = await damagedSegment();
    const ran = await hermesWal('salvage', dir);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(
      `records kept: 2, records dropped: 1, bytes dropped: ${seg.lengths[1]}`,
    );
    expect(ran.stdout).toContain(`kept in ${seg.path}.salvaged`);
    expect((await hermesWal('verify', dir)).code).toBe(0);
    const again = await hermesWal('salvage', dir, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      recordsKept: 2,
      recordsDropped: 0,
      bytesDropped: 0,
      files: [],
    });
  });

  it('exits 2 with WAL_BAD_DIRECTORY for a directory that does not exist, creating nothing', async () => {
    const missing = join(dir, 'nope');
    const ran = await hermesWal('salvage', missing);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_BAD_DIRECTORY');
    expect(ran.stderr).toContain('does not exist');
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 2 with WAL_LOCKED for a log a live process holds, changing nothing', async () => {
    const { seg, bytes } = await damagedSegment();
    await holdAsThisProcess();
    const ran = await hermesWal('salvage', dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_LOCKED');
    expect((await readFile(seg.path)).equals(bytes)).toBe(true);
  });
});

describe('hermes-wal codec limits', () => {
  it('--max-value-bytes reads a log written with larger values; bad values are usage errors', async () => {
    await writeSegment(dir, 1, [setRecord(0, 'x'.repeat(2000))]);
    const strict = await hermesWal('verify', dir, '--max-value-bytes', '1000');
    expect(strict.code).toBe(2);
    expect(strict.stdout).toContain('too-large');
    expect((await hermesWal('verify', dir, '--max-value-bytes', '4096')).code).toBe(0);
    const bad = await hermesWal('dump', dir, '--max-line-bytes', 'lots');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--max-line-bytes "lots" is not a size');
    expect((await hermesWal('verify', dir, '--json')).code).toBe(64);
  });
});

describe('hermes-wal unlock', () => {
  const lockPath = (): string => join(dir, LOCK_FILE);

  it('removes a LOCK whose process is gone and says what it checked', async () => {
    await writeFile(lockPath(), JSON.stringify({ pid: 999_999_999, start: '1', host: 'h' }));
    const ran = await hermesWal('unlock', dir);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('checked: ');
    expect(ran.stdout).toContain('no process 999999999 runs');
    expect(ran.stdout).toContain(`unlocked ${dir}`);
    await expect(readFile(lockPath())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses while the holder is alive, even with --force, and keeps the LOCK', async () => {
    const { processStartTime } = await import('../src/lock/directory-lock.js');
    const lock = JSON.stringify({
      pid: process.pid,
      start: processStartTime(process.pid),
      host: 'h',
    });
    await writeFile(lockPath(), lock);
    for (const args of [[], ['--force']]) {
      const ran = await hermesWal('unlock', dir, ...args);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain('WAL_LOCKED');
      expect(ran.stderr).toContain('that process is alive');
    }
    expect(await readFile(lockPath(), 'utf8')).toBe(lock);
  });

  it('a holder it cannot check (another boot or host) is removed only with --force', async () => {
    const lock = { pid: 7, start: '1', host: 'other-host', boot: 'another-boot', pidns: 'pid:[1]' };
    await writeFile(lockPath(), JSON.stringify(lock));
    const refused = await hermesWal('unlock', dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('cannot be checked');
    expect(refused.stderr).toContain(`hermes-wal unlock --force ${dir}`);
    const forced = await hermesWal('unlock', dir, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('--force: removed without proof');
    await expect(readFile(lockPath())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('with no LOCK there is nothing to unlock; --force belongs to unlock only', async () => {
    const ran = await hermesWal('unlock', dir);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('nothing to unlock');
    expect((await hermesWal('verify', dir, '--force')).code).toBe(64);
  });
});

describe('hermes-wal --version, and a reader that goes away', () => {
  it('prints the package version and exits 0', async () => {
    const { version } = JSON.parse(
      await readFile(join(import.meta.dirname, '../package.json'), 'utf8'),
    );
    const ran = await hermesWal('--version');
    expect(ran).toMatchObject({ code: 0, stdout: `hermes-wal ${version}\n`, stderr: '' });
  });

  it('dump into a pipe closed after one line (as `| head -1`) ends quietly with exit 0', async () => {
    await writeSegment(
      dir,
      1,
      Array.from({ length: 5000 }, (_, i) => setRecord(i)),
    );
    const child = spawn(
      process.execPath,
      ['--conditions=@hermes/source', '--import', 'tsx', CLI, 'dump', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const firstLine = await new Promise<string>((resolve) => {
      child.stdout.once('data', (d: Buffer) => {
        child.stdout.destroy();
        resolve(d.toString().split('\n')[0]!);
      });
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(firstLine.length).toBeGreaterThan(0);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
