import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LogRecord, openWal, verifyLog, writeBackup } from '../src/index.js';
import { makeTempDir, removeDir } from './helpers/log-dir.js';

let root: string;
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  await removeDir(root);
});

const set = (key: string, value: string): LogRecord => ({
  type: 'set',
  key,
  value: new TextEncoder().encode(value),
});

/** Writes a backup of `records` to `target`. */
function backup(target: string, records: readonly LogRecord[]) {
  return writeBackup({
    target,
    fill: async (writer) => {
      for (const record of records) await writer.write(record);
    },
  });
}

describe('writeBackup', () => {
  it('writes a clean log directory that opens to exactly its records and takes appends', async () => {
    const target = join(root, 'nested', 'copy');
    const files = await backup(target, [set('a', '1'), set('b', '2')]);
    expect(files.target).toBe(target);
    expect((await readdir(target)).sort()).toEqual([
      '0000000000000001.snap',
      '0000000000000001.wal',
    ]);
    expect((await verifyLog({ dir: target })).verdict).toBe('clean');
    const seen: string[] = [];
    const { wal, report } = await openWal({
      dir: target,
      onRecord: (r) => seen.push(r.type === 'set' ? r.key : r.type),
    });
    expect(report).toMatchObject({ records: 2, fromSnapshot: true, bytes: files.bytes });
    expect(seen).toEqual(['a', 'b']);
    await wal.append(set('c', '3'));
    await wal.close();
    expect(await readdir(root)).toEqual(['nested']);
  });

  it.each([
    ['the log directory itself', ''],
    ['a directory inside it', 'copy'],
  ])('refuses a target that is %s (WAL_INVALID_OPTIONS), writing nothing', async (_what, name) => {
    const source = join(root, 'log');
    const { wal } = await openWal({ dir: source });
    await wal.close();
    const before = (await readdir(source)).sort();
    await expect(
      writeBackup({ target: join(source, name), source, fill: async () => {} }),
    ).rejects.toMatchObject({ code: 'WAL_INVALID_OPTIONS' });
    expect((await readdir(source)).sort()).toEqual(before);
  });

  it('two backups racing for one name: one wins, the other gets WAL_BACKUP_TARGET_EXISTS', async () => {
    const target = join(root, 'copy');
    const results = await Promise.allSettled([
      backup(target, [set('a', 'first')]),
      backup(target, [set('a', 'second')]),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'WAL_BACKUP_TARGET_EXISTS',
    });
    const { wal, report } = await openWal({ dir: target });
    expect(report.records).toBe(1);
    await wal.close();
  });
});
