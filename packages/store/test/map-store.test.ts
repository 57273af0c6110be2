import { Buffer } from 'node:buffer';
import { afterEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { BTree } from '../src/btree.js';
import {
  EVERY_KEY,
  type LockableStore,
  LockedStore,
  MAX_KEYS_PER_SHARD,
  ShardedStore,
  StoreError,
} from '../src/index.js';
import { b, text, withLock } from './helpers.js';

const stores: [string, (maxKeys?: number) => LockableStore][] = [
  ['LockedStore', (maxKeys) => new LockedStore(maxKeys === undefined ? {} : { maxKeys })],
  [
    'ShardedStore(1 shard)',
    (maxKeys) =>
      new ShardedStore(
        maxKeys === undefined ? { shards: 1 } : { shards: 1, maxKeysPerShard: maxKeys },
      ),
  ],
];

describe.each(stores)('%s', (_name, make) => {
  it('reads throw STORE_CLOSED after close, also in the middle of an iteration', async () => {
    const store = make();
    await store.set('a', b('1'));
    await store.set('b', b('2'));
    const iterator = store.keys();
    expect(iterator.next().done).toBe(false);
    await store.close();
    const closed = expect.objectContaining({ code: 'STORE_CLOSED' });
    expect(() => iterator.next()).toThrow(closed);
    expect(() => store.get('a')).toThrow(closed);
    expect(() => store.has('a')).toThrow(closed);
    expect(() => store.size).toThrow(closed);
    expect(() => store.entries()).toThrow(closed);
    expect(() => store.keys()).toThrow(closed);
  });

  it('iteration is live: keys untouched throughout are yielded exactly once despite writes', async () => {
    const store = make();
    for (let i = 0; i < 200; i++) await store.set(`k${i}`, b(String(i)));
    const seen: string[] = [];
    let step = 0;
    for (const key of store.keys()) {
      seen.push(key);
      // Delete keys 100..149 and add new ones while iterating; 0..99 and 150..199 stay put.
      if (step < 50) {
        await store.delete(`k${100 + step}`);
        await store.set(`new${step}`, b('x'));
      }
      step++;
    }
    const untouched = [...Array(200).keys()].filter((i) => i < 100 || i >= 150).map((i) => `k${i}`);
    for (const key of untouched) expect(seen.filter((k) => k === key)).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
    await store.close();
  });

  it('reads still work while close waits for queued writes', async () => {
    const store = make() as LockedStore;
    let release!: () => void;
    const section = withLock(
      store,
      EVERY_KEY,
      'shared',
      () => new Promise<void>((r) => (release = r)),
    );
    const closing = store.close();
    expect(store.closed).toBe(true);
    expect(store.size).toBe(0);
    release();
    await section;
    await closing;
  });

  it('sync reads throw and async writes reject on a key that is not well-formed Unicode', async () => {
    const store = make();
    const lone = 'a\uD800b';
    expect(() => store.get(lone)).toThrow(expect.objectContaining({ code: 'STORE_INVALID_KEY' }));
    expect(() => store.has(lone)).toThrow(StoreError);
    await expect(store.set(lone, b('v'))).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
    await expect(store.set('\uDC00', b('v'))).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
    await store.set('🔑', b('paired surrogates are fine'));
    expect(store.size).toBe(1);
    expect(() => store.keys({ prefix: 1 as unknown as string })).toThrow(
      expect.objectContaining({ code: 'STORE_INVALID_OPTION' }),
    );
    await store.close();
  });

  it('rejects STORE_FULL at the key limit; overwrites, deletes and freed room still work', async () => {
    const store = make(3);
    await store.set('a', b('1'));
    await store.set('b', b('1'));
    await store.set('c', b('1'));
    await expect(store.set('d', b('1'))).rejects.toMatchObject({ code: 'STORE_FULL' });
    await expect(store.putIfAbsent('d', b('1'))).rejects.toMatchObject({ code: 'STORE_FULL' });
    await expect(store.compareAndSet('d', undefined, b('1'))).rejects.toMatchObject({
      code: 'STORE_FULL',
    });
    await store.set('a', b('2'));
    expect(await store.compareAndSet('b', b('1'), b('3'))).toBe(true);
    expect(await store.delete('c')).toBe(true);
    await store.set('d', b('1'));
    expect([...store.keys()].sort()).toEqual(['a', 'b', 'd']);
    await store.close();
  });

  it('a batch that would overflow is undone whole: overwrites and deletes before it are restored', async () => {
    const store = make(3);
    await store.set('a', b('1'));
    await store.set('b', b('1'));
    const before = [...store.entries()].map(([k, v]) => `${k}=${text(v)}`).sort();
    const overflow = [
      { type: 'set', key: 'a', value: b('changed') },
      { type: 'delete', key: 'b' },
      { type: 'set', key: 'c', value: b('new') },
      { type: 'set', key: 'b', value: b('back') },
      { type: 'set', key: 'd', value: b('new') },
      { type: 'set', key: 'e', value: b('one too many') },
    ] as const;
    await expect(store.batch(overflow)).rejects.toMatchObject({ code: 'STORE_FULL' });
    expect(() => store.applyUnlocked(overflow)).toThrow(
      expect.objectContaining({ code: 'STORE_FULL' }),
    );
    expect([...store.entries()].map(([k, v]) => `${k}=${text(v)}`).sort()).toEqual(before);
    // A batch that frees room before it adds fits.
    await store.batch([
      { type: 'delete', key: 'a' },
      { type: 'set', key: 'c', value: b('3') },
      { type: 'set', key: 'd', value: b('4') },
    ]);
    expect([...store.keys()].sort()).toEqual(['b', 'c', 'd']);
    await store.close();
  });
});

describe('options', () => {
  it('refuse bad shard counts and key limits with STORE_INVALID_OPTION', () => {
    const invalid = expect.objectContaining({ code: 'STORE_INVALID_OPTION' });
    for (const shards of [0, -1, 1.5, 65537, Number.NaN, '4' as unknown as number]) {
      expect(() => new ShardedStore({ shards })).toThrow(invalid);
    }
    for (const maxKeys of [0, 0.5, MAX_KEYS_PER_SHARD + 1]) {
      expect(() => new LockedStore({ maxKeys })).toThrow(invalid);
      expect(() => new ShardedStore({ maxKeysPerShard: maxKeys })).toThrow(invalid);
    }
  });

  it('default to 16 shards, and accept counts that are not a power of two', async () => {
    expect(new ShardedStore().shards).toBe(16);
    const store = new ShardedStore({ shards: 5 });
    for (let i = 0; i < 500; i++) await store.set(`k${i}`, b(String(i)));
    expect(store.size).toBe(500);
    for (let i = 0; i < 500; i++) expect(text(store.get(`k${i}`))).toBe(String(i));
    await store.close();
  });

  it('a store of many shards holds more keys than any one shard may', async () => {
    const store = new ShardedStore({ shards: 4, maxKeysPerShard: 100 });
    let stored = 0;
    for (let i = 0; i < 300; i++) {
      await store.set(`key-${i}`, b('v'));
      stored++;
    }
    expect(store.size).toBe(stored);
    expect(stored).toBeGreaterThan(100);
    await store.close();
  });
});

describe('what readers cost writers', () => {
  const clones = (): MockInstance => vi.spyOn(BTree.prototype, 'clone');
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(stores)(
    '%s: a finished or returned iterator costs the next write no clone',
    async (_name, make) => {
      const store = make();
      for (const key of ['a', 'b', 'c']) await store.set(key, b(key));
      const spy = clones();
      expect([...store.keys()]).toEqual(['a', 'b', 'c']);
      for (const _ of store.entries()) break;
      expect([...store.values({ limit: 1 })]).toHaveLength(1);
      const atLimit = store.keys({ limit: 2 });
      atLimit.next();
      atLimit.next();
      await store.set('d', b('d'));
      expect(spy).not.toHaveBeenCalled();
      await store.close();
    },
  );

  it.each([...stores, ['ShardedStore(16 shards)', () => new ShardedStore()] as const])(
    '%s: an open reader costs the next write one clone (one tree for every shard), then none',
    async (_name, make) => {
      const store = make();
      await store.set('a', b('1'));
      const spy = clones();
      const open = store.keys();
      const snapshot = store.snapshot();
      await store.set('a', b('2'));
      await store.set('b', b('2'));
      await store.delete('a');
      expect(spy).toHaveBeenCalledTimes(1);
      expect([...open]).toEqual(['a']);
      expect(Buffer.from(snapshot.get('a')!).toString()).toBe('1');
      snapshot.close();
      await store.close();
    },
  );

  it.each(stores)(
    "%s: overwrites after a key's first, while no reader can see them, change it in place without writing the tree",
    async (_name, make) => {
      const store = make();
      await store.set('a', b('1'));
      const sets = vi.spyOn(BTree.prototype, 'set');
      await store.set('a', b('2'));
      await withLock(store, 'a', 'shared', async () =>
        store.applyUnlocked({ type: 'set', key: 'a', value: b('3') }),
      );
      await store.batch([{ type: 'set', key: 'a', value: b('4') }]);
      // The first overwrite gives the key its slot (one tree write); the others change the slot.
      expect(sets).toHaveBeenCalledTimes(1);
      expect(text(store.get('a'))).toBe('4');
      // A reader now holds the tree: the next overwrite puts a new slot in a cloned tree, once.
      const snapshot = store.snapshot();
      await store.set('a', b('5'));
      await store.set('a', b('6'));
      expect(sets).toHaveBeenCalledTimes(2);
      expect(text(snapshot.get('a'))).toBe('4');
      expect(text(store.get('a'))).toBe('6');
      expect([...store.values()].map(text)).toEqual(['6']);
      snapshot.close();
      await store.close();
    },
  );

  it.each(stores)(
    '%s: readers keep their moment while their keys are rewritten before, between and after them',
    async (_name, make) => {
      const store = make();
      for (const key of ['a', 'b', 'c']) await store.set(key, b(`${key}0`));
      await store.set('b', b('b1'));
      const first = store.snapshot();
      const show = ([key, value]: [string, Buffer]): string => `${key}=${text(value)}`;
      const iterator = store.entries();
      expect(show(iterator.next().value!)).toBe('a=a0');
      await store.set('b', b('b2'));
      await store.set('c', b('c2'));
      const second = store.snapshot();
      await store.set('b', b('b3'));
      await store.set('b', b('b4'));
      await store.delete('c');
      await store.set('c', b('c4'));
      expect([...second.entries()].map(show)).toEqual(['a=a0', 'b=b2', 'c=c2']);
      second.close();
      await store.set('b', b('b5'));
      await store.set('b', b('b6'));
      const entries = (reader: Iterable<[string, Buffer]>): string[] => [...reader].map(show);
      expect(entries(iterator)).toEqual(['b=b1', 'c=c0']);
      expect(entries(first.entries())).toEqual(['a=a0', 'b=b1', 'c=c0']);
      expect(() => second.get('b')).toThrow(StoreError);
      expect(entries(store.entries())).toEqual(['a=a0', 'b=b6', 'c=c4']);
      const third = store.snapshot();
      await store.set('a', b('a7'));
      expect(entries(third.entries())).toEqual(['a=a0', 'b=b6', 'c=c4']);
      expect(text(first.get('b'))).toBe('b1');
      first.close();
      third.close();
      await store.close();
    },
  );
});
