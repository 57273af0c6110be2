import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { SyncEveryWrite, segmentName } from '@hermes/wal';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Change,
  type ChangeStream,
  type DurableStore,
  openDurableStore,
} from '../src/index.js';
import { PlainLockable } from './helpers/plain-lockable.js';
import { readLog, readLogText } from './helpers/read-log.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore()],
  ['a store without the fast path', () => new PlainLockable(new ShardedStore())],
];

/** Sets every key to its own name. */
async function fill(db: DurableStore, keys: readonly string[]): Promise<void> {
  await db.batch(keys.map((key) => ({ type: 'set' as const, key, value: bytes(key) })));
}

/** Every entry of `db` as `key=value`, in key order. */
function dump(db: DurableStore): string[] {
  return [...db.entries()].map(([k, v]) => `${k}=${text(v)}`);
}

/** Reads `n` changes. */
async function take(stream: ChangeStream, n: number): Promise<Change[]> {
  const out: Change[] = [];
  while (out.length < n) {
    const next = await stream.next();
    if (next.done) throw new Error(`the watch ended after ${out.length} of ${n} changes`);
    out.push(next.value);
  }
  return out;
}

const KEYS = ['a', 'b', 'c', 'd', 'e', 'user:1', 'user:2', 'user:3', 'z'];

describe.each(stores)('clear(range) of the durable store over %s', (_name, makeStore) => {
  it('logs ONE CLEAR record with the bounds, applies it, and the state survives a reopen', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await fill(db, KEYS);
    await db.clear({ gt: 'a', lte: 'c' });
    expect(dump(db)).toEqual([
      'a=a',
      'd=d',
      'e=e',
      'user:1=user:1',
      'user:2=user:2',
      'user:3=user:3',
      'z=z',
    ]);
    const state = dump(db);
    await db.close();
    const log = await readLog(dir);
    expect(log.map((r) => r.type)).toEqual(['batch', 'clear']);
    expect(log[1]).toEqual({ type: 'clear', gt: 'a', lte: 'c' });

    const again = await openDurableStore({ dir, store: makeStore() });
    expect(dump(again)).toEqual(state);
    await again.close();
  });

  it('logs a prefix as the interval it stands for', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await fill(db, KEYS);
    await db.clear({ prefix: 'user:' });
    expect([...db.keys()]).toEqual(['a', 'b', 'c', 'd', 'e', 'z']);
    await db.close();
    expect((await readLog(dir)).at(-1)).toEqual({ type: 'clear', gte: 'user:', lt: 'user;' });
    const again = await openDurableStore({ dir, store: makeStore() });
    expect([...again.keys()]).toEqual(['a', 'b', 'c', 'd', 'e', 'z']);
    await again.close();
  });

  it('logs a limit as the bounds of exactly the keys it removes, from the top with reverse', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await fill(db, KEYS);
    await db.clear({ gt: 'a', limit: 2 });
    await db.clear({ lt: 'z', limit: 2, reverse: true });
    expect([...db.keys()]).toEqual(['a', 'd', 'e', 'user:1', 'z']);
    await db.close();
    expect((await readLog(dir)).slice(1)).toEqual([
      { type: 'clear', gte: 'b', lte: 'c' },
      { type: 'clear', gte: 'user:2', lte: 'user:3' },
    ]);
    const again = await openDurableStore({ dir, store: makeStore() });
    expect([...again.keys()]).toEqual(['a', 'd', 'e', 'user:1', 'z']);
    await again.close();
  });

  it('a range that holds no key writes nothing', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await fill(db, ['a', 'b']);
    await db.clear({ gt: 'b' });
    await db.clear({ gt: 'b', lt: 'a' });
    await db.clear({ limit: 0 });
    await db.clear({ prefix: 'x', limit: 5 });
    expect([...db.keys()]).toEqual(['a', 'b']);
    await db.close();
    expect(await readLogText(dir)).toEqual(['batch[set a=a,set b=b]']);
  });

  it('an invalid range rejects STORE_INVALID_OPTION and writes nothing', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await fill(db, ['a', 'b']);
    for (const range of [{ gt: 'a', gte: 'a' }, { limit: -1 }, { start: 'a' }, { lt: 'a\ud800' }]) {
      await expect(db.clear(range as never)).rejects.toMatchObject({
        code: 'STORE_INVALID_OPTION',
      });
    }
    await db.close();
    expect(await readLogText(dir)).toEqual(['batch[set a=a,set b=b]']);
  });

  it('writes called before it apply before it, later ones after, in memory and after a reopen', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await fill(db, ['a', 'b', 'c']);
    await Promise.all([
      db.set('bb', bytes('1')),
      db.clear({ gte: 'a', lt: 'c' }),
      db.set('b', bytes('2')),
    ]);
    expect(dump(db)).toEqual(['b=2', 'c=c']);
    await db.close();
    const again = await openDurableStore({ dir, store: makeStore() });
    expect(dump(again)).toEqual(['b=2', 'c=c']);
    await again.close();
  });

  it('compaction keeps the state: clear, compact, clear again, reopen', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await fill(db, KEYS);
    await db.clear({ gte: 'b', lt: 'd' });
    await db.compact();
    await db.clear({ prefix: 'user:', limit: 1 });
    const running = db.compact();
    await db.clear({ gt: 'user:', reverse: true, limit: 1 });
    await running;
    const state = dump(db);
    expect(state).toEqual(['a=a', 'd=d', 'e=e', 'user:2=user:2', 'user:3=user:3']);
    await db.close();
    const again = await openDurableStore({ dir, store: makeStore() });
    expect(dump(again)).toEqual(state);
    await again.close();
  });
});

describe('clear(range) over a log written by an older version', () => {
  it('replays the v1 segment, logs the clear in a new v2 segment, and the state survives a reopen', async () => {
    const dir = await dirs.make();
    // Lines of @hermes/record's golden.log (format version 1).
    await writeFile(
      join(dir, segmentName(1)),
      'HERMES-LOG 1\n' +
        '7da334b4 SET user:42/name QWRhIExvdmVsYWNl\n' +
        'e9568b33 BATCH 3 SET account:1 OTA= SET account:2 MTEw DEL pending:7\n',
    );
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    expect([...db.keys()]).toEqual(['account:1', 'account:2', 'user:42/name']);
    await db.clear({ prefix: 'account:' });
    await db.close();
    const again = await openDurableStore({ dir, store: new ShardedStore() });
    expect(dump(again)).toEqual(['user:42/name=Ada Lovelace']);
    await again.close();
    expect(await readLogText(dir)).toEqual([
      'set user:42/name=Ada Lovelace',
      'batch[set account:1=90,set account:2=110,del pending:7]',
      'clear {"gte":"account:","lt":"account;"}',
    ]);
  });
});

describe('clear(range) under faults', () => {
  it('changes no memory before its record is durable, and none when the append fails', async () => {
    const dir = await dirs.make();
    const fs = new FaultyFileSystem();
    const db = await openDurableStore({ dir, store: new ShardedStore(), fs, sync: SyncEveryWrite });
    await fill(db, KEYS);
    const fsync = fs.hang('datasync');
    const clearing = db.clear({ prefix: 'user:' });
    await fsync.reached;
    expect([...db.keys({ prefix: 'user:' })]).toEqual(['user:1', 'user:2', 'user:3']);
    fsync.release();
    await clearing;
    expect([...db.keys({ prefix: 'user:' })]).toEqual([]);

    fs.fail('write', 'ENOSPC');
    await expect(db.clear({ lt: 'c' })).rejects.toMatchObject({ code: 'WAL_WRITE_FAILED' });
    expect([...db.keys()]).toEqual(['a', 'b', 'c', 'd', 'e', 'z']);
    await db.close().catch(() => {});
  });
});

describe('clear(range) and the change feed', () => {
  it('is one change, with its range and the removed keys, filtered to each watch', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    await fill(db, KEYS);
    const all = db.watch();
    const users = db.watch({ prefix: 'user:' });
    const letters = db.watch({ lt: 'c' });
    const heard: unknown[] = [];
    const stop = db.onApplied((keys) => heard.push(keys));
    await db.clear({ gte: 'b', lt: 'user:3' });
    await db.set('aa', bytes('1'));
    const [change] = await take(all, 1);
    expect(change).toMatchObject({
      type: 'clear',
      range: { gte: 'b', lt: 'user:3' },
      keys: ['b', 'c', 'd', 'e', 'user:1', 'user:2'],
    });
    expect(await take(users, 1)).toMatchObject([{ type: 'clear', keys: ['user:1', 'user:2'] }]);
    expect(await take(letters, 2)).toMatchObject([
      { type: 'clear', keys: ['b'] },
      { type: 'set', key: 'aa' },
    ]);
    expect(heard).toEqual([['b', 'c', 'd', 'e', 'user:1', 'user:2'], ['aa']]);
    stop();
    await db.close();
  });

  it('a clear that removed none of the watched keys is not delivered to that watch', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    await fill(db, KEYS);
    const users = db.watch({ prefix: 'user:' });
    await db.clear({ lt: 'c' });
    await db.set('user:9', bytes('9'));
    expect(await take(users, 1)).toMatchObject([{ type: 'set', key: 'user:9' }]);
    await db.close();
  });

  it('whole clear() stays one change without a range', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    await fill(db, KEYS);
    const stream = db.watch({ prefix: 'user:' });
    await db.clear();
    const [change] = await take(stream, 1);
    expect(change).toEqual({ id: change!.id, type: 'clear' });
    await db.close();
  });
});
