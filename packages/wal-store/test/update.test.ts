import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import type { AppliedKeys } from '../src/types.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

const ONE_HOUR = 3_600_000;

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore()],
];

/** `decide` of an increment of the decimal counter under `key`, resolving the new count. */
function increment(key: string) {
  return (read: (key: string) => Uint8Array | undefined) => {
    const next = Number(text(read(key)) ?? '0') + 1;
    return { ops: [{ type: 'set' as const, key, value: bytes(String(next)) }], result: next };
  };
}

describe.each(stores)('update() of the durable store, over %s', (_name, makeStore) => {
  it('counts exactly under 500 increments not awaited, and the count survives a reopen', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => db.update([`c${i % 3}`], increment(`c${i % 3}`))),
    );
    // Each key's increments saw distinct counts: 1..n, none lost or doubled.
    for (const k of [0, 1, 2]) {
      const mine = results.filter((_, i) => i % 3 === k).sort((x, y) => x - y);
      expect(mine).toEqual(Array.from({ length: mine.length }, (_, i) => i + 1));
    }
    expect([0, 1, 2].map((i) => text(db.get(`c${i}`)))).toEqual(['167', '167', '166']);
    await db.close();
    const again = await openDurableStore({ dir, store: makeStore() });
    expect([0, 1, 2].map((i) => text(again.get(`c${i}`)))).toEqual(['167', '167', '166']);
    await again.close();
  });

  it('sees the writes called before it on its keys, and later writes see its own', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    void db.set('k', bytes('41'));
    const updated = db.update(['k'], (read) => {
      const seen = text(read('k'));
      return { ops: [{ type: 'set', key: 'k', value: bytes(`${seen}+1`) }], result: seen };
    });
    const after = db.update(['k'], (read) => ({ ops: [], result: text(read('k')) }));
    expect(await updated).toBe('41');
    expect(await after).toBe('41+1');
    await db.close();
  });

  it('writes several keys as one record: all or none after a power loss, all after sync()', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: makeStore(), fs, sync: ONE_HOUR });
    await db.update(['a', 'b'], () => ({
      ops: [
        { type: 'set', key: 'a', value: bytes('1') },
        { type: 'set', key: 'b', value: bytes('2') },
      ],
      result: undefined,
    }));
    await db.sync();
    await db.update(['a', 'b'], () => ({
      ops: [
        { type: 'delete', key: 'a' },
        { type: 'set', key: 'b', value: bytes('3') },
      ],
      result: undefined,
    }));
    expect([db.has('a'), text(db.get('b'))]).toEqual([false, '3']);
    await fs.crash();
    await db.close().catch(() => {});
    const again = await openDurableStore({ dir, store: makeStore() });
    expect([text(again.get('a')), text(again.get('b'))]).toEqual(['1', '2']);
    expect(again.report.records).toBe(1);
    await again.close();
  });

  it('resolves at once with no ops and writes nothing to the log', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await db.set('k', bytes('v'));
    const before = db.stats().appends;
    expect(await db.update(['k'], (read) => ({ ops: [], result: text(read('k')) }))).toBe('v');
    expect(await db.update([], () => ({ ops: [], result: 'none' }))).toBe('none');
    expect(db.stats().appends).toBe(before);
    await db.close();
  });

  it('rejects with what decide threw, changes nothing, and frees its keys', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    const boom = new Error('boom');
    await expect(
      db.update(['k'], () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await db.set('k', bytes('after'));
    expect(text(db.get('k'))).toBe('after');
    await db.close();
  });

  it('refuses an op on a key it does not hold with STORE_INVALID_BATCH, writing nothing', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await expect(
      db.update(['a'], () => ({
        ops: [
          { type: 'set', key: 'a', value: bytes('1') },
          { type: 'set', key: 'b', value: bytes('2') },
        ],
        result: 0,
      })),
    ).rejects.toMatchObject({
      code: 'STORE_INVALID_BATCH',
      message: expect.stringContaining('"b"'),
    });
    expect([db.has('a'), db.has('b')]).toEqual([false, false]);
    await expect(
      db.update(['a'], () => ({
        ops: [{ type: 'set', key: 'a', value: 'x' as never }],
        result: 0,
      })),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_VALUE' });
    await db.close();
  });

  it('rejects bad arguments and a closed store with typed errors', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await expect(db.update('k' as never, () => ({ ops: [], result: 0 }))).rejects.toMatchObject({
      code: 'STORE_INVALID_OPTION',
    });
    await expect(db.update(['\ud800'], () => ({ ops: [], result: 0 }))).rejects.toMatchObject({
      code: 'STORE_INVALID_KEY',
    });
    await db.close();
    await expect(db.update(['k'], () => ({ ops: [], result: 0 }))).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
  });
});

describe.each(stores)('onApplied() of the durable store, over %s', (_name, makeStore) => {
  it('tells every applied write, in log order, and nothing for a refused one', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    const seen: AppliedKeys[] = [];
    const stop = db.onApplied((keys) => seen.push(keys));
    await Promise.all([
      db.set('a', bytes('1')),
      db.delete('a'),
      db.batch([
        { type: 'set', key: 'b', value: bytes('2') },
        { type: 'delete', key: 'c' },
      ]),
      db.putIfAbsent('b', bytes('refused')),
      db.compareAndSet('b', bytes('2'), bytes('3')),
      // Holding 'b' too, it queues behind the compare-and-set: its place in the log is known.
      db.update(['b', 'd'], () => ({
        ops: [{ type: 'set', key: 'd', value: bytes('4') }],
        result: 0,
      })),
    ]);
    await db.clear();
    stop();
    await db.set('e', bytes('5'));
    expect(seen).toEqual([['a'], ['a'], ['b', 'c'], ['b'], ['d'], 'every key']);
    await db.close();
  });

  it('tells a write before its promise resolves, as it becomes visible', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    let visibleWhenTold: string | undefined;
    db.onApplied(() => {
      visibleWhenTold = text(db.get('k'));
    });
    let resolved = false;
    const write = db.set('k', bytes('v')).then(() => {
      resolved = true;
    });
    db.onApplied(() => {
      expect(resolved).toBe(false);
    });
    await write;
    expect(visibleWhenTold).toBe('v');
    await db.close();
  });
});
