import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hashString,
  type LockableStore,
  LockedStore,
  type LockMode,
  ShardedStore,
} from '../src/index.js';
import { b, gate, keysInDifferentShards, settle, text } from './helpers.js';

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore({ shards: 8 })],
];

describe.each(stores)('%s lock discipline', (_name, make) => {
  it("the store's own writes wait for a decorator's exclusive section on the key, then apply after it", async () => {
    const store = make();
    const hold = gate();
    const section = store.withLock(['k'], 'exclusive', async () => {
      await hold.promise;
      return store.applyUnlocked([{ type: 'set', key: 'k', value: b('decorator') }]);
    });
    const set = store.set('k', b('mine'));
    const pia = store.putIfAbsent('p', b('x'));
    const cas = store.compareAndSet('k', b('decorator'), b('swapped'));
    await settle();
    expect(store.has('k')).toBe(false);
    hold.open();
    expect(await section).toEqual([false]);
    await set;
    expect(await cas).toBe(false);
    expect(await pia).toBe(true);
    expect(text(store.get('k'))).toBe('mine');
    await store.close();
  });

  it('a conditional write waits for shared sections and sees their effect', async () => {
    const store = make();
    const hold = gate();
    const section = store.withLock(['k'], 'shared', async () => {
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
      store.withLock(['k'], 'shared', async () => {
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

  it("'all' exclusive blocks every write until it ends", async () => {
    const store = make();
    const hold = gate();
    const section = store.withLock('all', 'exclusive', () => hold.promise);
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
    await expect(store.withLock(['k'], 'exclusive', async () => 7)).resolves.toBe(7);
    await expect(
      store.withLock(['k'], 'exclusive', () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    await expect(
      store.withLock(['k'], 'exclusive', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(store.withLock('all', 'exclusive', async () => 'free')).resolves.toBe('free');
    await expect(store.putIfAbsent('k', b('v'))).resolves.toBe(true);
    await store.close();
  });

  it('withLock rejects bad keys and modes, and STORE_CLOSED once closing', async () => {
    const store = make();
    await expect(
      store.withLock([1 as unknown as string], 'shared', async () => 0),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
    await expect(store.withLock(['k'], 'both' as LockMode, async () => 0)).rejects.toMatchObject({
      code: 'STORE_INVALID_OPTION',
    });
    await expect(
      store.withLock('k' as unknown as string[], 'shared', async () => 0),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_OPTION' });
    const hold = gate();
    const inFlight = store.withLock(['k'], 'shared', async () => {
      await hold.promise;
      return store.applyUnlocked([{ type: 'set', key: 'k', value: b('late') }]);
    });
    const closing = store.close();
    await expect(store.withLock(['k'], 'shared', async () => 0)).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
    hold.open();
    // close waited for the section, which could still apply its write.
    expect(await inFlight).toEqual([false]);
    await closing;
    expect(() => store.applyUnlocked([])).toThrow(
      expect.objectContaining({ code: 'STORE_CLOSED' }),
    );
    expect(() => store.clearUnlocked()).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
  });

  it('applyUnlocked reports presence before each op and applies in order', async () => {
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
    ).toEqual([true, false, true, false, false]);
    expect(text(store.get('a'))).toBe('2');
    expect(text(store.get('n'))).toBe('4');
    expect(() =>
      store.applyUnlocked([{ type: 'set', key: 'x', value: 'str' as unknown as Uint8Array }]),
    ).toThrow(expect.objectContaining({ code: 'STORE_INVALID_VALUE' }));
    store.clearUnlocked();
    expect(store.size).toBe(0);
    await store.close();
  });

  it('multi-key sections on random key sets never deadlock and never overlap an exclusive holder', () =>
    fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.record({
            keys: fc.oneof(
              fc.constant<'all'>('all'),
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
            store instanceof ShardedStore ? String(hashString(key) & 7) : '0';
          const shardsOf = (keys: readonly string[] | 'all'): Set<string> =>
            new Set(
              keys === 'all' ? ['a', 'b', 'c', 'd', 'e', 'f'].map(shardOf) : keys.map(shardOf),
            );
          const runs = sections.map(({ keys, mode }, i) =>
            store.withLock(keys, mode, async () => {
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
    const section = store.withLock([held], 'exclusive', () => hold.promise);
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
    const section = store.withLock([held], 'exclusive', () => hold.promise);
    const write = store.set(other, b('v'));
    await settle();
    expect(store.has(other)).toBe(false);
    hold.open();
    await Promise.all([section, write]);
    expect(store.has(other)).toBe(true);
    await store.close();
  });
});

describe.each(stores)('%s single-key fast path', (_name, make) => {
  type Fast = Required<LockableStore>;
  const fast = (): Fast => make() as Fast;

  it('lockIndexOf names the lock withLock takes for the key', async () => {
    const store = fast();
    const index = store.lockIndexOf('k');
    expect(Number.isInteger(index) && index >= 0).toBe(true);
    expect(store.lockIndexOf('k')).toBe(index);
    const hold = gate();
    const section = store.withLock(['k'], 'exclusive', () => hold.promise);
    expect(store.tryLockIndex(index, 'shared')).toBe(false);
    hold.open();
    await section;
    expect(store.tryLockIndex(index, 'shared')).toBe(true);
    store.unlockIndex(index, 'shared');
    await store.close();
  });

  it('a shared hold from tryLockIndex makes exclusive writers wait, and nobody overtakes a waiter', async () => {
    const store = fast();
    const index = store.lockIndexOf('k');
    expect(store.tryLockIndex(index, 'shared')).toBe(true);
    expect(store.tryLockIndex(index, 'shared')).toBe(true);
    expect(store.tryLockIndex(index, 'exclusive')).toBe(false);
    const pia = store.putIfAbsent('k', b('late'));
    // A waiter is queued now: a newcomer may not barge in, even in shared mode.
    expect(store.tryLockIndex(index, 'shared')).toBe(false);
    expect(store.setUnlocked('k', b('first'))).toBe(false);
    store.unlockIndex(index, 'shared');
    await settle();
    expect(text(store.get('k'))).toBe('first');
    store.unlockIndex(index, 'shared');
    expect(await pia).toBe(false);
    await store.close();
  });

  it('setUnlocked and deleteUnlocked report presence, copy values and validate', async () => {
    const store = fast();
    const value = b('one');
    expect(store.setUnlocked('k', value)).toBe(false);
    value[0] = 0x78;
    expect(store.setUnlocked('k', b('two'))).toBe(true);
    expect(text(store.get('k'))).toBe('two');
    expect(store.size).toBe(1);
    expect(store.deleteUnlocked('k')).toBe(true);
    expect(store.deleteUnlocked('k')).toBe(false);
    expect(store.size).toBe(0);
    // With the key's precomputed lock index: the same effect, found by reads.
    for (const key of ['a', 'b1', 'b2', 'b3', 'b4']) {
      expect(store.setUnlocked(key, b(key), store.lockIndexOf(key))).toBe(false);
      expect(text(store.get(key))).toBe(key);
    }
    expect(store.deleteUnlocked('b2', store.lockIndexOf('b2'))).toBe(true);
    expect(store.has('b2')).toBe(false);
    store.clearUnlocked();
    const code = (f: () => unknown): unknown => {
      try {
        f();
      } catch (error) {
        return (error as { code?: unknown }).code;
      }
      return undefined;
    };
    expect(code(() => store.setUnlocked('\uD800', b('x')))).toBe('STORE_INVALID_KEY');
    expect(code(() => store.setUnlocked('k', 'x' as unknown as Uint8Array))).toBe(
      'STORE_INVALID_VALUE',
    );
    expect(code(() => store.deleteUnlocked(1 as unknown as string))).toBe('STORE_INVALID_KEY');
    expect(code(() => store.lockIndexOf(1 as unknown as string))).toBe('STORE_INVALID_KEY');
    expect(code(() => store.tryLockIndex(1 << 20, 'shared'))).toBe('STORE_INVALID_OPTION');
    expect(code(() => store.tryLockIndex(-1, 'shared'))).toBe('STORE_INVALID_OPTION');
    expect(code(() => store.tryLockIndex(0, 'both' as 'shared'))).toBe('STORE_INVALID_OPTION');
    expect(code(() => store.unlockIndex(1 << 20, 'shared'))).toBe('STORE_INVALID_OPTION');
    expect(() => store.unlockIndex(0, 'exclusive')).toThrow(RangeError);
    expect(store.size).toBe(0);
    await store.close();
    expect(code(() => store.setUnlocked('k', b('x')))).toBe('STORE_CLOSED');
    expect(code(() => store.deleteUnlocked('k'))).toBe('STORE_CLOSED');
  });

  it('tryLockIndex refuses once the store is closing', async () => {
    const store = fast();
    const index = store.lockIndexOf('k');
    const closed = store.close();
    expect(store.tryLockIndex(index, 'shared')).toBe(false);
    await closed;
  });
});

describe('setUnlocked at the key limit', () => {
  it('refuses a new key with STORE_FULL and changes nothing, but overwrites a present one', async () => {
    const store = new ShardedStore({ shards: 1, maxKeysPerShard: 2 }) as Required<ShardedStore>;
    expect(store.setUnlocked('a', b('1'))).toBe(false);
    expect(store.setUnlocked('b', b('2'))).toBe(false);
    expect(() => store.setUnlocked('c', b('3'))).toThrow(
      expect.objectContaining({ code: 'STORE_FULL' }),
    );
    expect(store.setUnlocked('b', b('22'))).toBe(true);
    expect([...store.keys()].sort()).toEqual(['a', 'b']);
    expect(text(store.get('b'))).toBe('22');
    await store.close();
  });
});
