import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, openWal, segmentName, snapshotName, verifyLog } from '../src/index.js';
import { FaultyFileSystem, setRecord } from '../src/testing/index.js';
import { hermesWal } from './helpers/cli.js';
import { makeTempDir, removeDir, writeSegment, writeSnapshot } from './helpers/log-dir.js';

let root: string;
let dir: string;
beforeEach(async () => {
  root = await makeTempDir();
  dir = join(root, 'log');
  await mkdir(dir);
});
afterEach(async () => {
  await removeDir(root);
});

/** What opening `path` did: the error it failed with (or null), and the keys it replayed. */
async function open(
  path = dir,
  fs?: FaultyFileSystem,
): Promise<{ error: unknown; keys: string[] }> {
  const keys: string[] = [];
  try {
    const { wal } = await openWal({
      dir: path,
      ...(fs === undefined ? {} : { fs }),
      onRecord: (r) => {
        if ('key' in r) keys.push(r.key);
      },
    });
    await wal.close();
    return { error: null, keys };
  } catch (error) {
    return { error, keys };
  }
}

/** The names in `dir` (a `.broken` file would show that something was cut). */
const names = async (): Promise<string[]> => (await readdir(dir)).sort();

/**
 * `verifyLog` and `hermes-wal verify` say what `open` said: the same message, as a damage entry
 * (the verdict is then `corrupt`) or as the same error; the command exits 2 with those words.
 */
async function expectVerifySays(error: unknown, path = dir, fs?: FaultyFileSystem): Promise<void> {
  const message = (error as Error).message;
  const verified = await verifyLog({ dir: path, ...(fs === undefined ? {} : { fs }) }).then(
    (v) => v,
    (e: unknown) => e as Error,
  );
  if (verified instanceof Error) {
    expect(verified.message).toBe(message);
  } else {
    expect(verified.verdict).toBe('corrupt');
    expect(verified.damage.map((d) => d.message)).toContain(message);
  }
  if (fs !== undefined) return; // the command runs on the real file system only
  const ran = await hermesWal('verify', path);
  expect(ran.code).toBe(2);
  expect(ran.stdout + ran.stderr).toContain(message);
}

describe('a segment in which no line decodes is a foreign file, not a torn tail', () => {
  const shapes: [string, string][] = [
    ['the seed log with CRLF line endings', 'SET a YQ==\r\nSET b Yg==\r\n'],
    ['seed lines with unpadded base64', 'SET a YQ\nSET b Yg\n'],
    ['a text file with no newline', 'hello'],
  ];
  for (const [name, text] of shapes) {
    it(`${name}: WAL_CORRUPT naming the file, offset and reason; nothing cut, not opened empty`, async () => {
      // As the first segment, where legacy lines are allowed: only the torn-tail bound refuses it.
      const path = join(dir, segmentName(1));
      await writeFile(path, text);
      const { error, keys } = await open();
      expect(error).toMatchObject({
        code: 'WAL_CORRUPT',
        file: path,
        offset: 0,
        reason: 'foreign-file',
      });
      expect(String(error)).toContain(
        'a torn tail is at most the final record of the last segment',
      );
      expect(keys).toEqual([]);
      expect(await readFile(path, 'utf8')).toBe(text);
      expect(await names()).toEqual([segmentName(1)]);
      await expectVerifySays(error);
    });
  }

  it('after checksummed segments, a text file under a segment name is refused too', async () => {
    await writeSegment(dir, 1, [setRecord(0)]);
    const path = join(dir, segmentName(2));
    await writeFile(path, 'hello');
    const { error, keys } = await open();
    expect(error).toMatchObject({ code: 'WAL_CORRUPT', file: path, reason: 'foreign-file' });
    expect(keys).toEqual(['k0']);
    expect(await names()).toEqual([segmentName(1), segmentName(2)]);
  });

  it('damage of more than the final record at the end of the last segment is corruption', async () => {
    const seg = await writeSegment(dir, 1, [setRecord(0)]);
    await writeFile(seg.path, Buffer.concat([await readFile(seg.path), Buffer.from('x\ny\nz')]));
    const { error } = await open();
    expect(error).toMatchObject({ code: 'WAL_CORRUPT', file: seg.path, offset: seg.size });
    await expectVerifySays(error);
  });
});

describe('legacy lines only where the documented migration puts them', () => {
  it('a legacy segment after checksummed ones is refused before any of its records is read', async () => {
    await writeSegment(dir, 1, [setRecord(0)]);
    const path = join(dir, segmentName(2));
    await writeFile(path, `SET k0 ${Buffer.from('overwritten').toString('base64')}\n`);
    const { error, keys } = await open();
    expect(error).toMatchObject({ code: 'WAL_CORRUPT', file: path, reason: 'legacy-misplaced' });
    expect(keys).toEqual(['k0']);
    await expectVerifySays(error);
  });

  it('a legacy segment after a snapshot is refused', async () => {
    await writeSnapshot(dir, 2, [setRecord(0)]);
    const path = join(dir, segmentName(2));
    await writeFile(path, `SET k1 ${Buffer.from('v').toString('base64')}\n`);
    const { error } = await open();
    expect(error).toMatchObject({ code: 'WAL_CORRUPT', file: path, reason: 'legacy-misplaced' });
  });

  it('a legacy log as the first segment still replays, and new records go to segment 2', async () => {
    await writeFile(join(dir, segmentName(1)), `SET a ${Buffer.from('1').toString('base64')}\n`);
    const { error, keys } = await open();
    expect(error).toBeNull();
    expect(keys).toEqual(['a']);
  });
});

describe('files the log does not know', () => {
  it('the seed log under its own name in the directory: WAL_FOREIGN_FILE naming it', async () => {
    await writeSegment(dir, 1, [setRecord(0)]);
    const path = join(dir, 'hermes.log');
    await writeFile(path, `SET a ${Buffer.from('1').toString('base64')}\n`);
    const { error, keys } = await open();
    expect(error).toMatchObject({ code: 'WAL_FOREIGN_FILE', path });
    expect(String(error)).toContain('hermes-wal import');
    expect(keys).toEqual([]);
    await expectVerifySays(error);
  });

  it('documented names are ignored: dotfiles, lost+found, .broken backups', async () => {
    await writeSegment(dir, 1, [setRecord(0)]);
    await writeFile(join(dir, '.DS_Store'), '');
    await mkdir(join(dir, 'lost+found'));
    await writeFile(join(dir, `${segmentName(1)}.broken.2`), 'cut bytes');
    const { error, keys } = await open();
    expect(error).toBeNull();
    expect(keys).toEqual(['k0']);
  });
});

describe('a segment that is not the last and shorter than its header', () => {
  for (const size of [0, 5]) {
    it(`cut to ${size} bytes: WAL_CORRUPT, and verify calls the log corrupt`, async () => {
      const first = await writeSegment(dir, 1, [setRecord(0)]);
      await writeSegment(dir, 2, [setRecord(1)]);
      await truncate(first.path, size);
      const { error } = await open();
      expect(error).toMatchObject({ code: 'WAL_CORRUPT', file: first.path, offset: 0 });
      await expectVerifySays(error);
    });
  }
});

describe('directories that cannot be a log: typed WAL_BAD_DIRECTORY', () => {
  it('the directory is a file', async () => {
    const path = join(root, 'a-file');
    await writeFile(path, 'x');
    for (const target of [path, join(path, 'log')]) {
      const { error } = await open(target);
      expect(error).toMatchObject({ code: 'WAL_BAD_DIRECTORY', path: target });
      expect(String(error)).toContain('is not a directory');
    }
    await expectVerifySays((await open(path)).error, path);
  });

  it('a subdirectory named like a segment or a snapshot', async () => {
    await writeSegment(dir, 1, [setRecord(0)]);
    for (const name of [segmentName(2), snapshotName(1)]) {
      await mkdir(join(dir, name));
      const { error } = await open();
      expect(error).toMatchObject({ code: 'WAL_BAD_DIRECTORY', path: join(dir, name) });
      expect(String(error)).toContain('is a directory');
      await expectVerifySays(error);
      await removeDir(join(dir, name));
    }
  });

  it('a LOCK that is a directory', async () => {
    await writeSegment(dir, 1, [setRecord(0)]);
    await mkdir(join(dir, LOCK_FILE));
    const { error } = await open();
    expect(error).toMatchObject({ code: 'WAL_BAD_DIRECTORY', path: join(dir, LOCK_FILE) });
    await expectVerifySays(error);
  });

  it('a folder the process may not read', async () => {
    await writeSegment(dir, 1, [setRecord(0)]);
    const fs = new FaultyFileSystem();
    fs.fail('readdir', 'EACCES');
    const { error } = await open(dir, fs);
    expect(error).toMatchObject({ code: 'WAL_BAD_DIRECTORY', path: dir });
    expect(String(error)).toContain('cannot be read');
    fs.fail('readdir', 'EACCES');
    await expectVerifySays(error, dir, fs);
  });
});
