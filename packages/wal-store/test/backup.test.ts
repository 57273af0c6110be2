import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type BatchOp, LockedStore, ShardedStore } from '@hermes/store';
import { FaultyFileSystem, type FsOperation } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type DurableStore, openDurableStore } from '../src/index.js';
import { SharedLog } from './helpers/shared-log.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

type State = Map<string, string>;

/** Keys the concurrent writers pick from. */
const KEYS = 5000;

function contents(db: DurableStore): State {
  return new Map([...db.entries()].map(([k, v]) => [k, text(v)!]));
}

/** The contents of the store a backup (or any log directory) opens to. */
async function opened(dir: string): Promise<State> {
  const db = await openDurableStore({ dir, store: new LockedStore(), compaction: false });
  const state = contents(db);
  await db.close();
  return state;
}

/** Each applied record as the values its keys had right after it applied, in log order. */
function traceApplied(db: DurableStore): [string, string | undefined][][] {
  const trace: [string, string | undefined][][] = [];
  db.onApplied((keys) => {
    if (keys === 'every key') throw new Error('the test issues no whole-store clear');
    trace.push(keys.map((key) => [key, text(db.get(key))]));
  });
  return trace;
}

/** `start` with the first `count` records of `trace` applied. */
function fold(start: State, trace: [string, string | undefined][][], count: number): State {
  const state = new Map(start);
  for (const record of trace.slice(0, count)) {
    for (const [key, value] of record) {
      if (value === undefined) state.delete(key);
      else state.set(key, value);
    }
  }
  return state;
}

/** A small deterministic generator, so a failure replays the same writes. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

describe('backup()', () => {
  it('under concurrent writes, holds exactly a prefix of the applied writes in log order, every acknowledged one included', async () => {
    const dir = await dirs.make();
    const seed = await openDurableStore({ dir, store: new ShardedStore(), compaction: false });
    // More keys than a backup writes between two yields, so writes land while it is written.
    for (let k = 0; k < KEYS; k += 500) {
      await seed.batch(
        Array.from({ length: 500 }, (_, j) => ({
          type: 'set' as const,
          key: `key${k + j}`,
          value: bytes(`seed-${k + j}`),
        })),
      );
    }
    await seed.close();

    const db = await openDurableStore({ dir, store: new ShardedStore(), compaction: false });
    const replayed = db.report.records;
    const start = contents(db);
    const trace = traceApplied(db);
    let acknowledged = 0;
    let backupDone = false;
    const writes: Promise<unknown>[] = [];
    const writer = async (loop: number): Promise<void> => {
      const next = random(loop + 1);
      for (let i = 0; !backupDone || i < 300; i++) {
        const key = `key${next(KEYS)}`;
        const value = `w${loop}-${i}`;
        const kind = next(3);
        let write: Promise<unknown>;
        if (kind === 0) write = db.set(key, bytes(value));
        else if (kind === 1) write = db.delete(key);
        else {
          const ops: BatchOp[] = [
            { type: 'set', key, value: bytes(value) },
            { type: 'delete', key: `key${next(KEYS)}` },
            { type: 'set', key: `key${next(KEYS)}`, value: bytes(`${value}b`) },
          ];
          write = db.batch(ops);
        }
        writes.push(write.then(() => acknowledged++));
        if (i % 16 === 15) await yieldToLoop();
      }
    };
    const loops = [0, 1, 2, 3].map(writer);
    while (acknowledged < 500) await yieldToLoop();

    // The target is made first: an await between reading the trace and the call lets more
    // writes apply in between.
    const target = join(await dirs.make(), 'backup');
    const appliedAtCall = trace.length;
    const acknowledgedAtCall = acknowledged;
    const report = await db.backup(target);
    backupDone = true;
    const appliedAtEnd = trace.length;
    await Promise.all(loops);
    await Promise.all(writes);

    // The snapshot is taken at the call: exactly the records applied by then, no later one.
    expect(acknowledgedAtCall).toBeLessThanOrEqual(appliedAtCall);
    expect(report.position - replayed).toBe(appliedAtCall);
    // Writes went on while the backup was written.
    expect(appliedAtEnd).toBeGreaterThan(appliedAtCall);
    const expected = fold(start, trace, report.position - replayed);
    expect(await opened(target)).toEqual(expected);
    expect(report).toMatchObject({ target, keys: expected.size });
    expect(report.bytes).toBeGreaterThan(0);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    // The store itself went on to hold every write.
    expect(contents(db)).toEqual(fold(start, trace, trace.length));
    await db.close();
  });

  it('writes a normal store: it opens, takes writes, and reopens with them', async () => {
    const db = await openDurableStore({ dir: await dirs.make(), store: new LockedStore() });
    await db.set('a', bytes('1'));
    await db.batch([
      { type: 'set', key: 'b', value: bytes('2') },
      { type: 'set', key: 'c', value: bytes('3') },
    ]);
    await db.delete('c');
    const target = join(await dirs.make(), 'copy');
    const report = await db.backup(target);
    expect(report).toMatchObject({ keys: 2, position: 3 });
    await db.close();

    expect((await readdir(target)).sort()).toEqual([
      '0000000000000001.snap',
      '0000000000000001.wal',
    ]);
    const copy = await openDurableStore({ dir: target, store: new ShardedStore() });
    expect(copy.report).toMatchObject({ fromSnapshot: true, records: 2 });
    await copy.set('d', bytes('4'));
    await copy.close();
    expect(await opened(target)).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
        ['d', '4'],
      ]),
    );
  });

  it('writes into an empty directory that exists', async () => {
    const db = await openDurableStore({ dir: await dirs.make(), store: new LockedStore() });
    await db.set('a', bytes('1'));
    const target = await dirs.make();
    await db.backup(target);
    await db.close();
    expect(await opened(target)).toEqual(new Map([['a', '1']]));
  });

  it.each([
    ['a directory with files in it', true],
    ['a file', false],
  ])(
    'refuses a target that is %s, with WAL_BACKUP_TARGET_EXISTS, changing nothing',
    async (_what, isDir) => {
      const db = await openDurableStore({ dir: await dirs.make(), store: new LockedStore() });
      await db.set('a', bytes('1'));
      const parent = await dirs.make();
      const target = join(parent, 'old');
      if (isDir) {
        await mkdir(target);
        await writeFile(join(target, 'keep.txt'), 'mine');
      } else await writeFile(target, 'mine');
      await expect(db.backup(target)).rejects.toMatchObject({ code: 'WAL_BACKUP_TARGET_EXISTS' });
      await db.close();
      expect(await readdir(parent)).toEqual(['old']);
      if (isDir) expect(await readdir(target)).toEqual(['keep.txt']);
    },
  );

  const faults: [string, FsOperation, RegExp][] = [
    ['fsyncing the snapshot', 'datasync', /\.snap\.tmp$/],
    ['fsyncing the copy directory', 'syncDir', /\.backup-tmp$/],
    ['renaming the copy into place', 'rename', /\.backup-tmp$/],
  ];

  it.each(faults)(
    'a failure %s leaves no target, no file behind, and a retry succeeds',
    async (_what, operation, path) => {
      const fs = new FaultyFileSystem();
      const db = await openDurableStore({ dir: await dirs.make(), store: new LockedStore(), fs });
      await db.set('a', bytes('1'));
      const parent = await dirs.make();
      const target = join(parent, 'copy');
      const fault = fs.fail(operation, 'EIO', { path });
      await expect(db.backup(target)).rejects.toMatchObject({ code: 'EIO' });
      expect(fault.fired).toBe(true);
      const left = await readdir(parent);
      expect(left).not.toContain('copy');
      // Only a hidden, empty directory may remain: never taken for the backup.
      for (const name of left) {
        expect(name).toMatch(/^\.copy\.[0-9a-f]+\.backup-tmp$/);
        expect(await readdir(join(parent, name))).toEqual([]);
      }
      await db.set('b', bytes('2'));
      await db.backup(target);
      await db.close();
      expect(await opened(target)).toEqual(
        new Map([
          ['a', '1'],
          ['b', '2'],
        ]),
      );
    },
  );

  it('refuses a target inside its own log directory (WAL_INVALID_OPTIONS): the log would not open beside it', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new LockedStore() });
    await db.set('a', bytes('1'));
    await expect(db.backup(join(dir, 'copy'))).rejects.toMatchObject({
      code: 'WAL_INVALID_OPTIONS',
    });
    await db.close();
    expect(await opened(dir)).toEqual(new Map([['a', '1']]));
  });

  it('is refused on a log passed as options.log, with DURABLE_BACKUP_UNSUPPORTED', async () => {
    const db = await openDurableStore({ store: new LockedStore(), log: new SharedLog().opener() });
    await expect(db.backup(join(await dirs.make(), 'copy'))).rejects.toMatchObject({
      code: 'DURABLE_BACKUP_UNSUPPORTED',
    });
    await db.close();
  });

  it('is refused once the store is closed, with STORE_CLOSED', async () => {
    const db = await openDurableStore({ dir: await dirs.make(), store: new LockedStore() });
    await db.close();
    await expect(db.backup(join(await dirs.make(), 'copy'))).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
  });
});
