import { LockedStore, ShardedStore } from '@hermes/store';
import { SyncEverySecond, SyncEveryWrite } from '@hermes/wal';
import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type Change, type ChangeStream, openDurableStore } from '../src/index.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

/** A change in a form easy to compare: ids left out, values as text. */
function plain(change: Change): unknown {
  switch (change.type) {
    case 'set':
      return ['set', change.key, text(change.value)];
    case 'delete':
      return ['delete', change.key];
    case 'batch':
      return [
        'batch',
        change.ops.map((op) => [op.type, op.key, op.type === 'set' ? text(op.value) : undefined]),
      ];
    case 'clear':
      return ['clear'];
    case 'resync':
      return ['resync', change.reason];
  }
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

/** One turn of the event loop: the watchers' bound checks scheduled before it have run. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function open(
  options: Parameters<typeof openDurableStore>[0] extends infer O ? Partial<O> : never = {},
) {
  const dir = await dirs.make();
  return openDurableStore({ dir, store: new ShardedStore(), ...options });
}

describe.each([
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore()],
])('watch() over %s', (_name, makeStore) => {
  it("delivers values as fresh Buffers, as the store's reads give them", async () => {
    const db = await openDurableStore({ dir: await dirs.make(), store: makeStore() });
    const stream = db.watch();
    await db.set('a', bytes('1'));
    await db.batch([{ type: 'set', key: 'b', value: bytes('2') }]);
    const [set, batch] = await take(stream, 2);
    const values = [
      set!.type === 'set' ? set!.value : undefined,
      batch!.type === 'batch' && batch!.ops[0]!.type === 'set' ? batch!.ops[0]!.value : undefined,
    ];
    for (const value of values) {
      expect(Buffer.isBuffer(value)).toBe(true);
      expect(Object.getPrototypeOf(value)).toBe(Buffer.prototype);
    }
    expect(values.map((value) => value!.toString('utf8'))).toEqual(['1', '2']);
    await stream.return?.();
    await db.close();
  });

  it('delivers every kind of write in log order, a batch as one change, with growing ids', async () => {
    const db = await openDurableStore({ dir: await dirs.make(), store: makeStore() });
    const stream = db.watch();
    await Promise.all([
      db.set('a', bytes('1')),
      db.delete('a'),
      db.batch([
        { type: 'set', key: 'b', value: bytes('2') },
        { type: 'delete', key: 'c' },
      ]),
      db.putIfAbsent('b', bytes('refused')),
      db.compareAndSet('b', bytes('2'), bytes('3')),
      db.update(['b', 'd'], () => ({
        ops: [
          { type: 'set', key: 'd', value: bytes('4') },
          { type: 'delete', key: 'b' },
        ],
        result: 0,
      })),
    ]);
    await db.clear();
    const changes = await take(stream, 6);
    expect(changes.map(plain)).toEqual([
      ['set', 'a', '1'],
      ['delete', 'a'],
      [
        'batch',
        [
          ['set', 'b', '2'],
          ['delete', 'c', undefined],
        ],
      ],
      ['set', 'b', '3'],
      [
        'batch',
        [
          ['set', 'd', '4'],
          ['delete', 'b', undefined],
        ],
      ],
      ['clear'],
    ]);
    const seqs = changes.map((c) => Number(c.id.split('-').at(-1)));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(changes.map((c) => c.id)).size).toBe(6);
    expect(stream.buffered).toBe(0);
    await db.close();
  });
});

describe('watch() delivers a change only once it is durable', () => {
  it('under SyncEveryWrite: not before its fsync, and before the write resolves', async () => {
    const fs = new FaultyFileSystem();
    const db = await open({ fs, sync: SyncEveryWrite });
    const stream = db.watch();
    let received: Change | undefined;
    const next = stream.next().then((r) => {
      received = r.value;
    });
    const fsync = fs.hang('datasync');
    let resolved = false;
    const write = db.set('k', bytes('v')).then(() => {
      resolved = true;
    });
    await fsync.reached;
    // The write reached the file but not the disk: the watcher has nothing.
    await new Promise((r) => setImmediate(r));
    expect(received).toBeUndefined();
    expect(stream.buffered).toBe(0);
    fsync.release();
    await next;
    expect(plain(received!)).toEqual(['set', 'k', 'v']);
    await write;
    expect(resolved).toBe(true);
    await db.close();
  });

  it('under SyncEverySecond: not before the write reached the OS', async () => {
    const fs = new FaultyFileSystem();
    const db = await open({ fs, sync: SyncEverySecond });
    const stream = db.watch();
    const write = fs.hang('write');
    const pending = db.set('k', bytes('v'));
    await write.reached;
    await new Promise((r) => setImmediate(r));
    expect(stream.buffered).toBe(0);
    write.release();
    await pending;
    expect((await take(stream, 1)).map(plain)).toEqual([['set', 'k', 'v']]);
    await db.close();
  });

  it('every change delivered under SyncEveryWrite survives power loss', async () => {
    for (let round = 0; round < 4; round++) {
      const dir = await dirs.make();
      const fs = new FaultyFileSystem();
      const db = await openDurableStore({
        dir,
        store: new ShardedStore(),
        fs,
        sync: SyncEveryWrite,
      });
      const stream = db.watch();
      // Four writers, each writing its next key once the last one resolved, until the crash.
      let stop = false;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          await db.set(`k${w}-${i}`, bytes(`v${w}-${i}`)).catch(() => {
            stop = true;
          });
        }
      });
      const seen = await take(stream, 20 + round * 30);
      const fsync = fs.hang('datasync');
      await fsync.reached;
      await fs.crash({ keepRandomPrefix: true });
      fsync.release();
      await Promise.all(writers);
      await db.close().catch(() => {});
      const again = await openDurableStore({ dir, store: new ShardedStore() });
      for (const change of seen) {
        if (change.type !== 'set') throw new Error(`unexpected ${change.type}`);
        expect(text(again.get(change.key)), change.key).toBe(text(change.value));
      }
      await again.close();
    }
  });
});

describe('watch() filters', () => {
  it('by prefix: a batch keeps its watched ops, one touching none is not delivered', async () => {
    const db = await open();
    const stream = db.watch({ prefix: 'user/' });
    await db.set('other', bytes('x'));
    await db.set('user/1', bytes('a'));
    await db.batch([
      { type: 'set', key: 'other', value: bytes('y') },
      { type: 'set', key: 'user/2', value: bytes('b') },
    ]);
    await db.batch([{ type: 'delete', key: 'other' }]);
    await db.delete('user/1');
    await db.clear();
    expect((await take(stream, 4)).map(plain)).toEqual([
      ['set', 'user/1', 'a'],
      ['batch', [['set', 'user/2', 'b']]],
      ['delete', 'user/1'],
      ['clear'],
    ]);
    await db.close();
  });

  it('by range, comparing keys by UTF-8 bytes', async () => {
    const db = await open();
    const stream = db.watch({ gte: '\uE000', lt: '\u{10FFFF}' });
    for (const key of ['a', '\uFFFD', '😀', 'z', '\u{10FFFF}']) await db.set(key, bytes(key));
    expect((await take(stream, 2)).map(plain)).toEqual([
      ['set', '\uFFFD', '\uFFFD'],
      ['set', '😀', '😀'],
    ]);
    expect(stream.buffered).toBe(0);
    await db.close();
  });

  it('gives each watcher its own copy of the values', async () => {
    const db = await open();
    const one = db.watch();
    const two = db.watch();
    await db.set('k', bytes('v'));
    const [a] = await take(one, 1);
    if (a?.type !== 'set') throw new Error('expected a set');
    a.value.fill(0);
    const [b] = await take(two, 1);
    expect(plain(b!)).toEqual(['set', 'k', 'v']);
    expect(text(db.get('k'))).toBe('v');
    await db.close();
  });

  it('refuses bad options with DURABLE_INVALID_OPTIONS, and watching a closed store', async () => {
    const db = await open();
    for (const options of [
      { gt: 'a', gte: 'b' },
      { maxBuffered: 0 },
      { maxBufferedBytes: 1.5 },
      { since: 42 },
      { prefix: null },
    ]) {
      expect(() => db.watch(options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'DURABLE_INVALID_OPTIONS' }),
      );
    }
    await db.close();
    expect(() => db.watch()).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
  });
});

describe('watch() with a slow consumer', () => {
  it('fails with DURABLE_WATCH_OVERFLOW past maxBuffered, holding nothing after', async () => {
    const db = await open();
    const overflows: unknown[] = [];
    const slow = db.watch({ maxBuffered: 3, onOverflow: (e) => overflows.push(e) });
    const fast = db.watch();
    for (let i = 0; i < 3; i++) await db.set(`k${i}`, bytes('v'));
    await turn();
    expect(slow.buffered).toBe(3);
    await db.set('k3', bytes('v'));
    await turn();
    expect(slow.buffered).toBe(0);
    expect(overflows).toEqual([expect.objectContaining({ code: 'DURABLE_WATCH_OVERFLOW' })]);
    for (let i = 4; i < 50; i++) await db.set(`k${i}`, bytes('v'));
    expect(slow.buffered).toBe(0);
    const error = await slow.next().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DURABLE_WATCH_OVERFLOW', name: 'DurableStoreError' });
    expect((error as Error).message).toMatch(/since/);
    expect(await slow.next()).toEqual({ done: true, value: undefined });
    // Another watcher is not affected.
    expect((await take(fast, 50)).length).toBe(50);
    await db.close();
  });

  it('fails past maxBufferedBytes, yet always takes one change whatever its size', async () => {
    const db = await open();
    const stream = db.watch({ maxBufferedBytes: 4096 });
    await db.set('big', new Uint8Array(10_000));
    await turn();
    expect(stream.buffered).toBe(1);
    await db.set('small', bytes('x'));
    await turn();
    expect(stream.buffered).toBe(0);
    await expect(stream.next()).rejects.toMatchObject({ code: 'DURABLE_WATCH_OVERFLOW' });
    await db.close();
  });

  it('gives a waiting reader each change at once, so a bound of 1 is enough', async () => {
    const db = await open();
    const stream = db.watch({ maxBuffered: 1 });
    const got: Change[] = [];
    const reader = (async () => {
      for await (const change of stream) got.push(change);
    })();
    for (let i = 0; i < 100; i++) await db.set(`k${i}`, bytes('v'));
    // Writes made durable together arrive in one run, which no reader can read during.
    await Promise.all(Array.from({ length: 500 }, (_, i) => db.set(`g${i}`, bytes('v'))));
    await db.close();
    await reader;
    expect(got.length).toBe(600);
  });
});

describe('watch() ends', () => {
  it('when the store closes: held changes are read first, then iteration finishes', async () => {
    const db = await open();
    const idle = db.watch();
    const busy = db.watch();
    const waiting = idle.next();
    await db.set('k', bytes('v'));
    expect(plain((await waiting).value as Change)).toEqual(['set', 'k', 'v']);
    const pending = idle.next();
    await db.set('j', bytes('w'));
    await pending;
    const last = idle.next();
    await db.close();
    expect(await last).toEqual({ done: true, value: undefined });
    const seen: unknown[] = [];
    for await (const change of busy) seen.push(plain(change));
    expect(seen).toEqual([
      ['set', 'k', 'v'],
      ['set', 'j', 'w'],
    ]);
  });

  it('on return() or break: pending reads finish and nothing more is held', async () => {
    const db = await open();
    const stream = db.watch();
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    await db.set('k', bytes('v'));
    expect(stream.buffered).toBe(0);
    expect(await stream.next()).toEqual({ done: true, value: undefined });

    const other = db.watch();
    await db.set('a', bytes('1'));
    await db.set('b', bytes('2'));
    for await (const change of other) {
      expect(change.type).toBe('set');
      break;
    }
    await db.set('c', bytes('3'));
    expect(other.buffered).toBe(0);
    await db.close();
  });
});

describe('watch({ since })', () => {
  it('replays what came after the id, then goes on live, with no gap and no duplicate', async () => {
    const db = await open();
    const first = db.watch();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) writes.push(db.set(`k${i}`, bytes(`${i}`)));
    const seen = await take(first, 40);
    await first.return();
    // Resume after the 40th while writes are still being applied.
    const resumed = db.watch({ since: seen.at(-1)!.id });
    expect(resumed.from).toBe(seen.at(-1)!.id);
    await Promise.all(writes);
    const rest = await take(resumed, 60);
    expect([...seen, ...rest].map((c) => (c.type === 'set' ? c.key : c.type))).toEqual(
      Array.from({ length: 100 }, (_, i) => `k${i}`),
    );
    expect(resumed.buffered).toBe(0);
    await db.close();
  });

  it('resumes from a watch that saw nothing, through its `from`', async () => {
    const db = await open();
    const first = db.watch({ prefix: 'x' });
    await db.set('a', bytes('1'));
    await db.set('b', bytes('2'));
    const again = db.watch({ since: first.from });
    expect((await take(again, 2)).map(plain)).toEqual([
      ['set', 'a', '1'],
      ['set', 'b', '2'],
    ]);
    await db.close();
  });

  it('starts with resync "expired" when the history no longer holds the id', async () => {
    const db = await open({ watchHistory: { maxChanges: 3 } });
    const stream = db.watch();
    for (let i = 0; i < 5; i++) await db.set(`k${i}`, bytes('v'));
    const seen = await take(stream, 5);
    // Held: the last 3 changes, so resuming after the 2nd still works, after the 1st does not.
    expect((await take(db.watch({ since: seen[1]!.id }), 3)).map(plain)).toEqual(
      seen.slice(2).map(plain),
    );
    const late = db.watch({ since: seen[0]!.id });
    expect(late.from).toBe(seen[4]!.id);
    const [resync] = await take(late, 1);
    expect(resync).toEqual({ type: 'resync', reason: 'expired', id: seen[4]!.id });
    await db.set('after', bytes('v'));
    expect((await take(late, 1)).map(plain)).toEqual([['set', 'after', 'v']]);
    expect(late.buffered).toBe(0);
    await db.close();
  });

  it('starts with resync "unknown" for an id from before a restart or not an id at all', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    const stream = db.watch();
    await db.set('k', bytes('v'));
    const [old] = await take(stream, 1);
    await db.close();
    const again = await openDurableStore({ dir, store: new ShardedStore() });
    for (const since of [old!.id, 'garbage', '', `${old!.id}0`]) {
      const [first] = await take(again.watch({ since }), 1);
      expect(first, since).toMatchObject({ type: 'resync', reason: 'unknown' });
    }
    await again.close();
  });

  it('keeps no history when maxChanges is 0: only the latest id resumes', async () => {
    const db = await open({ watchHistory: { maxChanges: 0 } });
    const stream = db.watch();
    await db.set('a', bytes('1'));
    await db.set('b', bytes('2'));
    const [a, b] = await take(stream, 2);
    expect((await take(db.watch({ since: a!.id }), 1))[0]).toMatchObject({ type: 'resync' });
    const latest = db.watch({ since: b!.id });
    await db.set('c', bytes('3'));
    expect((await take(latest, 1)).map(plain)).toEqual([['set', 'c', '3']]);
    await db.close();
  });

  it('refuses bad watchHistory options', async () => {
    await expect(open({ watchHistory: { maxChanges: -1 } })).rejects.toMatchObject({
      code: 'DURABLE_INVALID_OPTIONS',
    });
  });
});
