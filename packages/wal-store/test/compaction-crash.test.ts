import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { FaultyFileSystem, FS_OPERATIONS, type FsOperation } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type DurableStore, openDurableStore } from '../src/index.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore()],
];

function contents(db: DurableStore): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of db.entries()) out[k] = text(v);
  return out;
}

/** Opens a store on `fs` in a fresh directory, with a history worth compacting (and an earlier snapshot). */
async function prepare(makeStore: () => LockableStore, fs: FaultyFileSystem) {
  const dir = await dirs.make();
  const db = await openDurableStore({ dir, store: makeStore(), fs, compaction: false });
  for (let round = 0; round < 4; round++) {
    await Promise.all(
      Array.from({ length: 20 }, (_, k) => db.set(`k${k}`, bytes(`a${round}-${k}`))),
    );
  }
  await db.compact();
  for (let round = 0; round < 4; round++) {
    await db.batch(
      Array.from({ length: 20 }, (_, k) =>
        k % 7 === 0
          ? { type: 'delete' as const, key: `k${k}` }
          : { type: 'set' as const, key: `k${k}`, value: bytes(`b${round}-${k}`) },
      ),
    );
  }
  await db.set('last', bytes('x'));
  return { dir, db };
}

describe.each(stores)('a crash at any step of a compaction, over %s', (name, makeStore) => {
  // Each step is crashed once per store: dropping all unsynced bytes on one store, keeping a
  // random prefix of them (a torn write) on the other, alternating, so both cover every step.
  const parity = name === 'LockedStore' ? 0 : 1;

  it('reopens to the same state, crashing before each file-system call of the compaction', async () => {
    // Count the calls one compaction makes, by kind.
    const probeFs = new FaultyFileSystem();
    const probe = await prepare(makeStore, probeFs);
    probeFs.resetCounts();
    await probe.db.compact();
    const counts = { ...probeFs.counts };
    await probe.db.close();
    const steps: [FsOperation, number][] = FS_OPERATIONS.flatMap((op) =>
      Array.from({ length: counts[op] }, (_, i): [FsOperation, number] => [op, i + 1]),
    );
    expect(steps.length).toBeGreaterThan(8);
    expect(counts.rename).toBeGreaterThanOrEqual(1);

    for (const [index, [op, nth]] of steps.entries()) {
      {
        const keepRandomPrefix = (index + parity) % 2 === 1;
        const fs = new FaultyFileSystem();
        const { dir, db } = await prepare(makeStore, fs);
        const expected = contents(db);
        const step = fs.hang(op, { nth });
        const compaction = db.compact();
        compaction.catch(() => {});
        await step.reached;
        await fs.crash({ keepRandomPrefix });
        step.release();
        await compaction.catch(() => {});
        await db.close().catch(() => {});

        for (let open = 0; open < 2; open++) {
          const again = await openDurableStore({ dir, store: makeStore(), compaction: false });
          expect(contents(again), `crash before ${op} #${nth}, open ${open}`).toEqual(expected);
          await again.close();
        }
      }
    }
  });

  it('reopens to the same state after a crash right after a compaction', async () => {
    const fs = new FaultyFileSystem();
    const { dir, db } = await prepare(makeStore, fs);
    const expected = contents(db);
    await db.compact();
    await fs.crash({ keepRandomPrefix: true });
    await db.close().catch(() => {});
    const again = await openDurableStore({ dir, store: makeStore() });
    expect(again.report.fromSnapshot).toBe(true);
    expect(contents(again)).toEqual(expected);
    await again.close();
  });
});
