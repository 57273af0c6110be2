import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nodeFileSystem, openWal } from '../../src/index.js';
import { FaultyFileSystem, setRecord } from '../../src/testing/index.js';
import { replayKeys, settleTurns, tempDir, track } from '../helpers/wal-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await nodeFileSystem.mkdir(dir);
});

afterEach(async () => {
  await cleanup();
});

const bytes = (s: string): Uint8Array => Buffer.from(s);

describe('FaultyFileSystem', () => {
  test('counts calls and fails the nth matching one with the given code', async () => {
    const fs = new FaultyFileSystem();
    const file = await fs.openAppend(join(dir, 'a'));
    const fault = fs.fail('write', 'ENOSPC', { nth: 2 });
    await file.write([bytes('one')]);
    await expect(file.write([bytes('two')])).rejects.toMatchObject({ code: 'ENOSPC' });
    await file.write([bytes('three')]);
    expect(fault.fired).toBe(true);
    expect(fs.counts.write).toBe(3);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('onethree');
    await file.close();
  });

  test('a short write stores only a prefix, then fails', async () => {
    const fs = new FaultyFileSystem();
    const file = await fs.openAppend(join(dir, 'a'));
    fs.shortWrite(4, 'EIO');
    await expect(file.write([bytes('abc'), bytes('defgh')])).rejects.toMatchObject({ code: 'EIO' });
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('abcd');
    expect(file.size).toBe(4);
    await file.close();
  });

  test('a hang holds the call until released', async () => {
    const fs = new FaultyFileSystem();
    const file = await fs.openAppend(join(dir, 'a'));
    const hang = fs.hang('datasync');
    const sync = track(file.datasync());
    await hang.reached;
    await settleTurns();
    expect(sync.settled).toBe(false);
    hang.release();
    await sync.promise;
    await file.close();
  });

  test('crash drops unsynced bytes and undoes directory changes not dir-synced', async () => {
    const fs = new FaultyFileSystem();
    // Durable before the crash: a synced file in a synced directory.
    const kept = await fs.openAppend(join(dir, 'kept'));
    await kept.write([bytes('synced')]);
    await kept.datasync();
    await kept.write([bytes('-lost')]);
    await fs.writeExclusive(join(dir, 'doomed'), bytes('x'));
    await fs.syncDir(dir);
    // Not durable: a new file, a rename and a removal without a directory fsync.
    await fs.writeExclusive(join(dir, 'new'), bytes('y'));
    const renamed = await fs.openAppend(join(dir, 'tmp'));
    await renamed.write([bytes('data')]);
    await renamed.datasync();
    await fs.rename(join(dir, 'tmp'), join(dir, 'final'));
    await fs.unlink(join(dir, 'doomed'));
    await fs.crash();
    expect((await readdir(dir)).sort()).toEqual(['doomed', 'kept']);
    expect(await readFile(join(dir, 'kept'), 'utf8')).toBe('synced');
    // The doomed file was never fsynced: it comes back empty.
    expect(await readFile(join(dir, 'doomed'), 'utf8')).toBe('');
    await expect(kept.write([bytes('after')])).rejects.toMatchObject({ code: 'EIO' });
    await kept.close().catch(() => {});
    await renamed.close().catch(() => {});
  });

  test('crash drops directories made by mkdir whose parent was not synced, with what they hold', async () => {
    const fs = new FaultyFileSystem();
    await fs.mkdir(join(dir, 'kept', 'deep'));
    await fs.syncDir(dir);
    await fs.syncDir(join(dir, 'kept'));
    await fs.mkdir(join(dir, 'lost', 'deep'));
    await fs.syncDir(join(dir, 'lost')); // the entry of 'lost' itself lives in `dir`: not synced
    const file = await fs.openAppend(join(dir, 'lost', 'deep', 'f'));
    await file.write([bytes('data')]);
    await file.datasync();
    await fs.syncDir(join(dir, 'lost', 'deep'));
    await file.close();
    await fs.crash();
    expect((await readdir(dir)).sort()).toEqual(['kept']);
    expect(await readdir(join(dir, 'kept'))).toEqual(['deep']);
  });

  test('crash can keep a random prefix of unsynced bytes (a torn write)', async () => {
    const fs = new FaultyFileSystem();
    const file = await fs.openAppend(join(dir, 'a'));
    await fs.syncDir(dir);
    await file.write([bytes('0123')]);
    await file.datasync();
    await file.write([bytes('456789')]);
    await fs.crash({ keepRandomPrefix: true, random: () => 0.5 });
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('0123456');
    await file.close().catch(() => {});
  });
});

describe('the log under crash()', () => {
  test('unsynced appends are dropped and the log replays the synced prefix', async () => {
    const fs = new FaultyFileSystem();
    const { wal } = await openWal({ dir, fs, sync: 60_000 });
    for (let i = 0; i < 10; i++) await wal.append(setRecord(i));
    await wal.sync();
    for (let i = 10; i < 20; i++) await wal.append(setRecord(i));
    await fs.crash();
    await expect(wal.sync()).rejects.toMatchObject({ code: 'WAL_SYNC_FAILED' });
    await wal.close().catch(() => {});
    expect(await replayKeys(dir)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
  });

  test('property: after a torn crash the log replays a clean prefix holding every acknowledged record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (syncAfter, cut) => {
          const { dir: d, cleanup: done } = await tempDir();
          try {
            const fs = new FaultyFileSystem();
            const { wal } = await openWal({ dir: d, fs, sync: 60_000, segmentBytes: 400 });
            let durable = 0;
            for (let i = 0; i < syncAfter.length; i++) {
              await wal.append(setRecord(i));
              if (syncAfter[i]) {
                await wal.sync();
                durable = i + 1;
              }
            }
            await fs.crash({ keepRandomPrefix: true, random: () => cut });
            await wal.close().catch(() => {});
            const keys = await replayKeys(d);
            expect(keys.length).toBeGreaterThanOrEqual(durable);
            expect(keys).toEqual(Array.from({ length: keys.length }, (_, i) => `k${i}`));
            // Reopened, the log is clean: a second open replays the same and cuts nothing.
            const { report, wal: again } = await openWal({ dir: d });
            expect(report.tornTail).toBeNull();
            await again.close();
          } finally {
            await done();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('FaultyFileSystem crash details', () => {
  test('a rename over an existing file is undone, and the replaced content comes back', async () => {
    const fs = new FaultyFileSystem();
    const target = await fs.openAppend(join(dir, 'target'));
    await target.write([bytes('old')]);
    await target.datasync();
    await target.close();
    const tmp = await fs.openAppend(join(dir, 'tmp'));
    await tmp.write([bytes('new')]);
    await tmp.datasync();
    await tmp.close();
    await fs.syncDir(dir);
    await fs.rename(join(dir, 'tmp'), join(dir, 'target'));
    await fs.crash();
    expect(await readFile(join(dir, 'target'), 'utf8')).toBe('old');
    expect(await readFile(join(dir, 'tmp'), 'utf8')).toBe('new');
  });

  test('a hung call released after the crash fails with EIO and changes nothing', async () => {
    const fs = new FaultyFileSystem();
    const file = await fs.openAppend(join(dir, 'a'));
    await fs.syncDir(dir);
    const hang = fs.hang('write');
    const write = file.write([bytes('late')]);
    await hang.reached;
    await fs.crash();
    hang.release();
    await expect(write).rejects.toMatchObject({ code: 'EIO' });
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('');
    await file.close().catch(() => {});
  });

  test('a cancelled fault never fires', async () => {
    const fs = new FaultyFileSystem();
    const fault = fs.fail('mkdir', 'EIO');
    fault.cancel();
    await fs.mkdir(join(dir, 'sub'));
    expect(fault.fired).toBe(false);
    expect(fs.counts.mkdir).toBe(1);
  });
});
