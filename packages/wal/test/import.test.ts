import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_HEADER } from '@hermes/record';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importSeedLog, type LogRecord, openWal, segmentName, verifyLog } from '../src/index.js';
import { hermesWal } from './helpers/cli.js';
import { makeTempDir, removeDir } from './helpers/log-dir.js';

let root: string;
let seed: string;
let dir: string;
beforeEach(async () => {
  root = await makeTempDir();
  seed = join(root, 'seed.log');
  dir = join(root, 'data', 'log');
});
afterEach(async () => {
  await removeDir(root);
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** The state the log in `dir` replays to, values as text (latin1 keys as given). */
async function replayState(limits = {}): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  const { wal } = await openWal({
    dir,
    limits,
    onRecord: (r: LogRecord) => {
      if (r.type === 'set') state.set(r.key, Buffer.from(r.value).toString());
    },
  });
  await wal.close();
  return state;
}

/** What a refused import threw; the target directory must hold nothing. */
async function refused(options: Partial<Parameters<typeof importSeedLog>[0]> = {}): Promise<Error> {
  const error = await importSeedLog({ source: seed, dir, ...options }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error).not.toBeNull();
  expect(await readdir(dir).catch(() => [])).toEqual([]);
  return error!;
}

describe('importSeedLog', () => {
  it('writes a checksummed log of every line and reports records and keys', async () => {
    await writeFile(
      seed,
      `SET user:1 ${b64('alice')}\nSET session token 7 ${b64('\u0000\u0001')}\nSET empty \nSET user:1 ${b64('bob')}\n`,
    );
    const report = await importSeedLog({ source: seed, dir });
    expect(report).toMatchObject({ records: 4, keys: 3, latin1Keys: 0 });
    const segment = await readFile(join(dir, segmentName(1)));
    expect(segment.subarray(0, FILE_HEADER.length).equals(FILE_HEADER)).toBe(true);
    expect((await verifyLog({ dir })).verdict).toBe('clean');
    const state = await replayState();
    expect([...state.keys()]).toEqual(['user:1', 'session token 7', 'empty']);
    expect(state.get('user:1')).toBe('bob');
    expect(state.get('empty')).toBe('');
  });

  it('refuses a line that is not a SET line, with its number, and writes nothing', async () => {
    await writeFile(seed, `SET a ${b64('1')}\nDEL a\n`);
    const error = await refused();
    expect(error).toMatchObject({ code: 'WAL_IMPORT_INVALID', line: 2, file: seed });
    expect(error.message).toContain(`${seed} line 2`);
  });

  it('refuses CRLF line endings at the first line, saying how to convert', async () => {
    await writeFile(seed, `SET a ${b64('1')}\r\nSET b ${b64('2')}\r\n`);
    const error = await refused();
    expect(error).toMatchObject({ code: 'WAL_IMPORT_INVALID', line: 1, reason: 'crlf' });
  });

  it('refuses unpadded base64 and a torn last line', async () => {
    await writeFile(seed, `SET a ${b64('1')}\nSET b YQ\n`);
    expect(await refused()).toMatchObject({ line: 2, reason: 'bad-base64' });
    await writeFile(seed, `SET a ${b64('1')}\nSET b ${b64('2')}`);
    expect(await refused()).toMatchObject({ line: 2, reason: 'truncated' });
  });

  it('a key that is not valid UTF-8 is refused, or taken byte for byte as latin1', async () => {
    const key = Buffer.from([0x6b, 0xff, 0xfe]); // k, then bytes no UTF-8 string holds
    const line = Buffer.concat([Buffer.from('SET '), key, Buffer.from(` ${b64('v')}\n`)]);
    await writeFile(seed, Buffer.concat([Buffer.from(`SET plain ${b64('p')}\n`), line]));
    const error = await refused();
    expect(error).toMatchObject({ line: 2, reason: 'bad-key' });
    expect(error.message).toContain('--non-utf8-keys latin1');
    const report = await importSeedLog({ source: seed, dir, nonUtf8Keys: 'latin1' });
    expect(report).toMatchObject({ records: 2, keys: 2, latin1Keys: 1 });
    const state = await replayState();
    const taken = [...state.keys()].find((k) => k !== 'plain')!;
    expect(Buffer.from(taken, 'latin1').equals(key)).toBe(true);
    expect(state.get(taken)).toBe('v');
  });

  it('a latin1 key equal to a UTF-8 key of the same log is a collision, refused', async () => {
    const utf8 = Buffer.from('é'); // c3 a9 as UTF-8; the latin1 key below is "é" from byte e9
    await writeFile(
      seed,
      Buffer.concat([
        Buffer.from(`SET ${utf8.toString()} ${b64('1')}\nSET `),
        Buffer.from([0xe9]),
        Buffer.from(` ${b64('2')}\n`),
      ]),
    );
    expect(await refused({ nonUtf8Keys: 'latin1' })).toMatchObject({
      line: 2,
      reason: 'key-collision',
    });
  });

  it('a key over the limit names the option to raise; raised, it imports', async () => {
    await writeFile(seed, `SET ${'k'.repeat(5000)} ${b64('1')}\n`);
    const error = await refused();
    expect(error).toMatchObject({ line: 1, reason: 'too-large' });
    expect(error.message).toContain('--max-key-bytes');
    const limits = { maxKeyBytes: 8192 };
    expect(await importSeedLog({ source: seed, dir, limits })).toMatchObject({ records: 1 });
    expect((await replayState(limits)).size).toBe(1);
  });

  it('refuses a directory that is not empty', async () => {
    await writeFile(seed, `SET a ${b64('1')}\n`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'something'), '');
    await expect(importSeedLog({ source: seed, dir })).rejects.toMatchObject({
      code: 'WAL_BAD_DIRECTORY',
      path: dir,
    });
  });
});

describe('hermes-wal import', () => {
  it('prints what it took and exits 0; then the log verifies clean', async () => {
    await writeFile(seed, `SET a ${b64('1')}\nSET b ${b64('2')}\nSET a ${b64('3')}\n`);
    const ran = await hermesWal('import', seed, dir);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`imported 3 records (2 keys) from ${seed} into ${dir}`);
    expect((await hermesWal('verify', dir)).code).toBe(0);
  });

  it('exits 2 with the line number on a line it cannot take; 64 on usage errors', async () => {
    await writeFile(seed, `SET a ${b64('1')}\nnot a line\n`);
    const ran = await hermesWal('import', seed, dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('WAL_IMPORT_INVALID');
    expect(ran.stderr).toContain(`${seed} line 2`);
    expect((await hermesWal('import', seed)).code).toBe(64);
    expect((await hermesWal('import', seed, dir, '--non-utf8-keys', 'maybe')).code).toBe(64);
  });
});
