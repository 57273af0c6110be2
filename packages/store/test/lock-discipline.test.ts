import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVERY_KEY,
  type LockableStore,
  LockedStore,
  type LockMode,
  ShardedStore,
} from '../src/index.js';
import { shardOfKey } from '../src/testing/shards.js';
import { b, gate, keysInDifferentShards, settle, text, withLock } from './helpers.js';

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore({ shards: 8 })],
];

describe.each(stores)('%s lock discipline', (_name, make) => {
  it("the store's own writes wait for a decorator's exclusive section on the key, then apply after it", async () => {
    const store = make();
    const hold = gate();
    const section = withLock(store, ['k'], 'exclusive', async () => {
      await hold.promise;
      return store.applyUnlocked([{ type: 'set', key: 'k', value: b('decorator') }]);
    });
    const set = store.set('k', b('mine'));
    const pia = store.putIfAbsent('p', b('x'));
    const cas = store.compareAndSet('k', b('decorator'), b('swapped'));
    await settle();
    expect(store.has('k')).toBe(false);
    hold.open();
    expect(await section).toBe(false);
    await set;
    expect(await cas).toBe(false);
    expect(await pia).toBe(true);
    expect(text(store.get('k'))).toBe('mine');
    await store.close();
  });

  it('a conditional write waits for shared sections and sees their effect', async () => {
    const store = make();
    const hold = gate();
    const section = withLock(store, ['k'], 'shared', async () => {
      await hold.promise;
      store.applyUnlocked([{ type: 'set', key: 'k', value: b('first') }]);
    });
    const pia = store.putIfAbsent('k', b('second'));
    await settle();
    hold.open();
    await section;
    expect(await pia).toBe(false);
    expect(text(store.get('k'))).toBe('first');
    await store.close();
  });

  it('unconditional sections on one key are held together (they can share one fsync)', async () => {
    const store = make();
    const hold = gate();
    let inside = 0;
    let most = 0;
    const section = () =>
      withLock(store, ['k'], 'shared', async () => {
        inside++;
        most = Math.max(most, inside);
        await hold.promise;
        inside--;
      });
    const all = Promise.all([section(), section(), section()]);
    await settle();
    expect(most).toBe(3);
    hold.open();
    await all;
    await store.close();
  });

  it('EVERY_KEY exclusive blocks every write until it ends', async () => {
    const store = make();
    const hold = gate();
    const section = withLock(store, EVERY_KEY, 'exclusive', () => hold.promise);
    const writes = [
      store.set('a', b('1')),
      store.delete('b'),
      store.batch([{ type: 'set', key: 'c', value: b('3') }]),
    ];
    await settle();
    expect(store.size).toBe(0);
    hold.open();
    await section;
    await Promise.all(writes);
    expect(store.size).toBe(2);
    await store.close();
  });

  it('withLock resolves with the result and releases after a rejection or a synchronous throw', async () => {
    const store = make();
    await expect(withLock(store, ['k'], 'exclusive', async () => 7)).resolves.toBe(7);
    await expect(
      withLock(store, ['k'], 'exclusive', () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    await expect(
      withLock(store, ['k'], 'exclusive', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(withLock(store, EVERY_KEY, 'exclusive', async () => 'free')).resolves.toBe('free');
    await expect(store.putIfAbsent('k', b('v'))).resolves.toBe(true);
    await store.close();
  });

  it('acquire throws for bad keys and modes, and STORE_CLOSED once closing', async () => {
    const store = make();
    await expect(
      withLock(store, [1 as unknown as string], 'shared', async () => 0),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
    await expect(withLock(store, '\uD800', 'shared', async () => 0)).rejects.toMatchObject({
      code: 'STORE_INVALID_KEY',
    });
    await expect(withLock(store, ['k'], 'both' as LockMode, async () => 0)).rejects.toMatchObject({
      code: 'STORE_INVALID_OPTION',
    });
    await expect(
      withLock(store, 7 as unknown as string[], 'shared', async () => 0),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_OPTION' });
    expect(() => store.acquire('k', 'shared', undefined as never)).toThrow(
      expect.objectContaining({ code: 'STORE_INVALID_OPTION' }),
    );
    const hold = gate();
    const inFlight = withLock(store, ['k'], 'shared', async () => {
      await hold.promise;
      return store.applyUnlocked([{ type: 'set', key: 'k', value: b('late') }]);
    });
    const closing = store.close();
    await expect(withLock(store, ['k'], 'shared', async () => 0)).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
    hold.open();
    // close waited for the section, which could still apply its write.
    expect(await inFlight).toBe(false);
    await closing;
    expect(() => store.applyUnlocked([])).toThrow(
      expect.objectContaining({ code: 'STORE_CLOSED' }),
    );
    expect(() => store.clearUnlocked()).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
  });

  it('applyUnlocked applies ops in order and reports whether the first key was present', async () => {
    const store = make();
    await store.set('a', b('1'));
    expect(
      store.applyUnlocked([
        { type: 'set', key: 'a', value: b('2') },
        { type: 'set', key: 'n', value: b('3') },
        { type: 'delete', key: 'n' },
        { type: 'delete', key: 'n' },
        { type: 'set', key: 'n', value: b('4') },
      ]),
    ).toBe(true);
    expect(text(store.get('a'))).toBe('2');
    expect(text(store.get('n'))).toBe('4');
    expect(() =>
      store.applyUnlocked([{ type: 'set', key: 'x', value: 'str' as unknown as Uint8Array }]),
    ).toThrow(expect.objectContaining({ code: 'STORE_INVALID_VALUE' }));
    store.clearUnlocked();
    expect(store.size).toBe(0);
    await store.close();
  });

  it('clearUnlocked(range) removes the keys of the range, returns how many, and refuses bad ranges whole', async () => {
    const store = make();
    await store.batch(
      ['a', 'b', 'c', 'd'].map((key) => ({ type: 'set' as const, key, value: b(key) })),
    );
    expect(store.clearUnlocked({ gt: 'a', lte: 'c' })).toBe(2);
    expect([...store.keys()]).toEqual(['a', 'd']);
    expect(store.clearUnlocked({ prefix: 'z' })).toBe(0);
    expect(() => store.clearUnlocked({ gt: 'a', gte: 'a' })).toThrow(
      expect.objectContaining({ code: 'STORE_INVALID_OPTION' }),
    );
    expect(store.clearUnlocked({ limit: 1, reverse: true })).toBe(1);
    expect([...store.keys()]).toEqual(['a']);
    expect(store.clearUnlocked()).toBe(1);
    await store.close();
  });

  it("clear(range) waits for a decorator's shared section on any key, as clear() does", async () => {
    const store = make();
    await store.set('a', b('1'));
    const hold = gate();
    const section = withLock(store, ['zzz'], 'shared', () => hold.promise);
    let cleared = false;
    const clearing = store.clear({ lt: 'b' }).then(() => {
      cleared = true;
    });
    await settle();
    expect(cleared).toBe(false);
    expect(store.has('a')).toBe(true);
    hold.open();
    await section;
    await clearing;
    expect(store.has('a')).toBe(false);
    await store.close();
  });

  it('multi-key sections on random key sets never deadlock and never overlap an exclusive holder', () =>
    fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.record({
            keys: fc.oneof(
              fc.constant<typeof EVERY_KEY>(EVERY_KEY),
              fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 4 }),
            ),
            mode: fc.constantFrom<LockMode>('shared', 'exclusive'),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        async (s, sections) => {
          const store = make();
          const holders = new Map<string, { shared: number; exclusive: number }>();
          const shardOf = (key: string): string =>
            store instanceof ShardedStore ? String(shardOfKey(key, 8)) : '0';
          const shardsOf = (keys: readonly string[] | typeof EVERY_KEY): Set<string> =>
            new Set(
              keys === EVERY_KEY ? ['a', 'b', 'c', 'd', 'e', 'f'].map(shardOf) : keys.map(shardOf),
            );
          const runs = sections.map(({ keys, mode }, i) =>
            withLock(store, keys, mode, async () => {
              for (const shard of shardsOf(keys)) {
                const h = holders.get(shard) ?? { shared: 0, exclusive: 0 };
                if (mode === 'exclusive') expect(h.shared + h.exclusive).toBe(0);
                else expect(h.exclusive).toBe(0);
                h[mode]++;
                holders.set(shard, h);
              }
              await s.schedule(Promise.resolve(), `section #${i}`);
              for (const shard of shardsOf(keys)) holders.get(shard)![mode]--;
            }),
          );
          await s.waitFor(Promise.all(runs));
          await store.close();
        },
      ),
    ));
});

describe('ShardedStore concurrency across shards', () => {
  it('a conditional write on another shard is not blocked by an exclusive section', async () => {
    const store = new ShardedStore({ shards: 8 });
    const [held, free] = keysInDifferentShards(8);
    const hold = gate();
    const section = withLock(store, [held], 'exclusive', () => hold.promise);
    expect(await store.putIfAbsent(free, b('v'))).toBe(true);
    const blocked = store.putIfAbsent(held, b('v'));
    let done = false;
    void blocked.then(() => {
      done = true;
    });
    await settle();
    expect(done).toBe(false);
    hold.open();
    await section;
    expect(await blocked).toBe(true);
    await store.close();
  });

  it('LockedStore orders writes on any two keys behind one lock', async () => {
    const store = new LockedStore();
    const [held, other] = keysInDifferentShards(8);
    const hold = gate();
    const section = withLock(store, [held], 'exclusive', () => hold.promise);
    const write = store.set(other, b('v'));
    await settle();
    expect(store.has(other)).toBe(false);
    hold.open();
    await Promise.all([section, write]);
    expect(store.has(other)).toBe(true);
    await store.close();
  });
});

describe.each(stores)('%s acquire', (_name, make) => {
  it('grants synchronously when the locks are free, and a key named "all" is just a key', async () => {
    const store = make();
    const granted: string[] = [];
    store.acquire('all', 'exclusive', (release) => {
      granted.push('all');
      release();
    });
    store.acquire(['a', 'b'], 'shared', (release) => {
      granted.push('a,b');
      release();
    });
    store.acquire(EVERY_KEY, 'exclusive', (release) => {
      granted.push('every');
      release();
    });
    expect(granted).toEqual(['all', 'a,b', 'every']);
    await store.set('all', b('v'));
    expect(text(store.get('all'))).toBe('v');
    await store.close();
  });

  it('a waiting request is granted inside the release that frees it, before later code runs', async () => {
    const store = make();
    const order: string[] = [];
    let first!: () => void;
    store.acquire('k', 'exclusive', (release) => {
      first = release;
    });
    store.acquire('k', 'shared', (release) => {
      order.push('waiter');
      release();
    });
    expect(order).toEqual([]);
    first();
    order.push('after release');
    expect(order).toEqual(['waiter', 'after release']);
    await store.close();
  });

  it('a batch waiting for one of its keys makes later writes on its other keys wait behind it', async () => {
    const store = new ShardedStore({ shards: 8 });
    const [held, other] = keysInDifferentShards(8);
    const hold = gate();
    const section = withLock(store, held, 'exclusive', () => hold.promise);
    const batch = store.batch([
      { type: 'set', key: held, value: b('batch') },
      { type: 'set', key: other, value: b('batch') },
    ]);
    const later = store.set(other, b('later'));
    await settle();
    expect(store.has(other)).toBe(false);
    hold.open();
    await Promise.all([section, batch, later]);
    expect(text(store.get(other))).toBe('later');
    await store.close();
  });
});
