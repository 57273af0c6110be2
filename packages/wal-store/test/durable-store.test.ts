import { rm, symlink } from 'node:fs/promises';
import { type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
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

describe.each(stores)('durable store over %s', (_name, makeStore) => {
  it('replays every write after reopening and reports what open did', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    expect(db.report.records).toBe(0);
    await db.set('a', bytes('1'));
    await db.set('b', bytes('2'));
    await db.batch([
      { type: 'set', key: 'c', value: bytes('3') },
      { type: 'delete', key: 'a' },
    ]);
    expect(await db.delete('b')).toBe(true);
    expect(await db.delete('b')).toBe(false);
    await db.close();

    const again = await openDurableStore({ dir, store: makeStore() });
    expect(again.report.records).toBe(5);
    expect(again.report.tornTail).toBeNull();
    expect(again.report.bytes).toBeGreaterThan(0);
    expect([...again.keys()]).toEqual(['c']);
    expect(text(again.get('c'))).toBe('3');
    await again.close();
  });

  it('reports replay progress up to the whole log, and the open report', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => db.set(`k${i}`, bytes('x'.repeat(100)))),
    );
    await db.close();
    const progress: { bytesDone: number; bytesTotal: number }[] = [];
    const again = await openDurableStore({
      dir,
      store: makeStore(),
      onProgress: (p) => progress.push(p),
    });
    expect(progress.length).toBeGreaterThan(0);
    const last = progress.at(-1)!;
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(again.report).toMatchObject({ records: 300, fromSnapshot: false, tornTail: null });
    expect(again.report.bytes).toBe(last.bytesTotal);
    expect(again.size).toBe(300);
    await again.close();
  });

  it('refused conditional writes append nothing (phantom write protection)', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    expect(await db.putIfAbsent('k', bytes('first'))).toBe(true);
    expect(await db.putIfAbsent('k', bytes('second'))).toBe(false);
    expect(await db.compareAndSet('k', bytes('wrong'), bytes('x'))).toBe(false);
    expect(await db.compareAndSet('k', undefined, bytes('x'))).toBe(false);
    expect(await db.compareAndSet('absent', bytes('a'), bytes('x'))).toBe(false);
    // Absent to absent succeeds without logging anything.
    expect(await db.compareAndSet('absent', undefined, undefined)).toBe(true);
    expect(await db.compareAndSet('k', bytes('first'), bytes('third'))).toBe(true);
    expect(await db.compareAndSet('k', bytes('third'), undefined)).toBe(true);
    await db.close();
    expect(await readLogText(dir)).toEqual(['set k=first', 'set k=third', 'del k']);
  });

  it('concurrent putIfAbsent on one key: exactly one winner and one record in the log', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => db.putIfAbsent('race', bytes(`v${i}`))),
    );
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(text(db.get('race'))).toBe(`v${winners[0]}`);
    await db.close();
    expect(await readLogText(dir)).toEqual([`set race=v${winners[0]}`]);
  });

  it('concurrent compareAndSet from one expected value: exactly one winner and one record', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await db.set('reg', bytes('v0'));
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => db.compareAndSet('reg', bytes('v0'), bytes(`n${i}`))),
    );
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    expect(winners).toHaveLength(1);
    await db.close();
    expect(await readLogText(dir)).toEqual(['set reg=v0', `set reg=n${winners[0]}`]);
  });

  it('a counter incremented by concurrent CAS loops loses no increment', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await db.set('n', bytes('0'));
    const increment = async (): Promise<void> => {
      for (;;) {
        const current = db.get('n');
        const next = bytes(String(Number(text(current)) + 1));
        if (await db.compareAndSet('n', current, next)) return;
      }
    };
    await Promise.all(Array.from({ length: 20 }, increment));
    expect(text(db.get('n'))).toBe('20');
    await db.close();
    const again = await openDurableStore({ dir, store: makeStore() });
    expect(text(again.get('n'))).toBe('20');
    await again.close();
  });

  it('delete resolves whether the key existed when its record applied', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    const [, first, second] = await Promise.all([
      db.set('d', bytes('x')),
      db.delete('d'),
      db.delete('d'),
    ]);
    expect([first, second]).toEqual([true, false]);
    await db.close();
  });

  it('invalid input gives a typed error and writes nothing', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    const bad = db as unknown as {
      set(...args: unknown[]): Promise<void>;
      putIfAbsent(...args: unknown[]): Promise<boolean>;
      compareAndSet(...args: unknown[]): Promise<boolean>;
      batch(...args: unknown[]): Promise<void>;
    };
    await expect(bad.set(42, bytes('x'))).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
    await expect(db.set('\uD800', bytes('x'))).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
    await expect(bad.set('k', 'text')).rejects.toMatchObject({ code: 'STORE_INVALID_VALUE' });
    await expect(bad.putIfAbsent('k', null)).rejects.toMatchObject({
      code: 'STORE_INVALID_VALUE',
    });
    await expect(bad.compareAndSet('k', 'x', bytes('y'))).rejects.toMatchObject({
      code: 'STORE_INVALID_VALUE',
    });
    await expect(
      bad.batch([
        { type: 'set', key: 'ok', value: bytes('1') },
        { type: 'upsert', key: 'k' },
      ]),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_BATCH' });
    await expect(bad.batch('nope')).rejects.toMatchObject({ code: 'STORE_INVALID_BATCH' });
    // Over the codec's key limit: the same StoreError as any bad key, still nothing written.
    await expect(db.set('x'.repeat(5000), bytes('v'))).rejects.toMatchObject({
      name: 'StoreError',
      code: 'STORE_INVALID_KEY',
    });
    expect(db.size).toBe(0);
    await db.batch([]);
    await db.close();
    expect(await readLog(dir)).toEqual([]);
  });

  it('values are copied: changing a buffer after set changes neither the log nor memory', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    const value = bytes('original');
    const pending = db.set('k', value);
    value.fill(0);
    await pending;
    expect(text(db.get('k'))).toBe('original');
    await db.close();
    expect(await readLogText(dir)).toEqual(['set k=original']);
  });

  it('clear removes everything durably without one huge record', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await Promise.all(Array.from({ length: 200 }, (_, i) => db.set(`k${i}`, bytes(`v${i}`))));
    await db.clear();
    expect(db.size).toBe(0);
    await db.set('after', bytes('1'));
    await db.close();
    expect(await readLogText(dir)).toEqual(['set after=1']);
    const again = await openDurableStore({ dir, store: makeStore() });
    expect([...again.keys()]).toEqual(['after']);
    await again.close();
  });

  it('close waits for writes already started, then refuses writes with STORE_CLOSED', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    const writes = Array.from({ length: 100 }, (_, i) => db.set(`k${i}`, bytes(`v${i}`)));
    const closed = db.close();
    expect(db.close()).toBe(closed);
    await Promise.all(writes);
    await closed;
    await expect(db.set('late', bytes('x'))).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(db.compact()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(db.health()).toMatchObject({ ok: false, code: 'STORE_CLOSED' });
    const again = await openDurableStore({ dir, store: makeStore() });
    expect(again.size).toBe(100);
    await again.close();
  });

  it('refuses a store that is not empty', async () => {
    const dir = await dirs.make();
    const store = makeStore();
    await store.set('x', bytes('1'));
    await expect(openDurableStore({ dir, store })).rejects.toMatchObject({
      code: 'DURABLE_STORE_NOT_EMPTY',
    });
  });

  it('refuses bad compaction options', async () => {
    const dir = await dirs.make();
    await expect(
      openDurableStore({ dir, store: makeStore(), compaction: { ratio: -1 } }),
    ).rejects.toMatchObject({ code: 'DURABLE_INVALID_OPTIONS' });
  });

  it('a second opener of the directory gets WAL_LOCKED and its store stays empty', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await db.set('a', bytes('1'));
    const store = makeStore();
    await expect(openDurableStore({ dir, store })).rejects.toMatchObject({ code: 'WAL_LOCKED' });
    expect(store.size).toBe(0);
    await db.close();
  });

  it('a second opener through a symlink to the directory gets WAL_LOCKED too', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await db.set('a', bytes('1'));
    const link = `${dir}-link`;
    await symlink(dir, link);
    try {
      await expect(openDurableStore({ dir: link, store: makeStore() })).rejects.toMatchObject({
        code: 'WAL_LOCKED',
      });
    } finally {
      await db.close();
      await rm(link);
    }
  });

  it('a log that fails to replay leaves the store empty', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: makeStore() });
    await db.set('a', bytes('1'));
    await db.set('b', bytes('2'));
    await db.close();
    // Flip a byte inside the first record: damage followed by a valid record is corruption.
    const { readdir, readFile, writeFile } = await import('node:fs/promises');
    const segment = (await readdir(dir)).find((n) => n.endsWith('.wal'))!;
    const data = await readFile(`${dir}/${segment}`);
    const firstNewline = data.indexOf(10, data.indexOf(10) + 1);
    data[firstNewline - 3] = data[firstNewline - 3]! ^ 0x01;
    await writeFile(`${dir}/${segment}`, data);
    const store = makeStore();
    await expect(openDurableStore({ dir, store })).rejects.toMatchObject({ code: 'WAL_CORRUPT' });
    expect(store.size).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });
});
