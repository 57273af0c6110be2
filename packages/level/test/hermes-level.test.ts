import { Buffer } from 'node:buffer';
import { afterAll, describe, expect, it } from 'vitest';
import { HermesLevel, HermesLevelError } from '../src/index.js';
import { tempRoot } from './helpers.js';

const dirs = tempRoot('hermes-level-');
afterAll(() => dirs.remove());

/** Opens a database in a fresh folder (or `dir`), with abstract-level's default utf8 encodings. */
async function open(dir = dirs.next()): Promise<HermesLevel> {
  const db = new HermesLevel(dir);
  await db.open();
  return db;
}

/** What `promise` rejected with (fails the test if it resolved). */
async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; cause?: Error & { code?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; cause?: Error & { code?: string } };
  }
  throw new Error('expected a rejection');
}

describe('HermesLevel: open, put, get, del, batch', () => {
  it('writes, reads and deletes utf8 keys and values', async () => {
    const db = await open();
    await db.put('a', '1');
    await db.batch([
      { type: 'put', key: 'b', value: '2' },
      { type: 'put', key: 'c', value: '3' },
      { type: 'del', key: 'a' },
    ]);
    await db.del('c');
    expect(await db.get('a')).toBeUndefined();
    expect(await db.get('b')).toBe('2');
    expect(await db.getMany(['a', 'b', 'c'])).toEqual([undefined, '2', undefined]);
    expect(await db.has('b')).toBe(true);
    expect(await db.hasMany(['a', 'b'])).toEqual([false, true]);
    expect(db.getSync('b')).toBe('2');
    await db.close();
  });

  it('keeps every write across close and reopen (real files)', async () => {
    const dir = dirs.next();
    const db = new HermesLevel<Buffer, Buffer>(dir, {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
    });
    await db.put(Buffer.from([0xff, 0x00]), Buffer.from([1, 2, 3]));
    await db.put(Buffer.from('gone'), Buffer.from('x'));
    await db.batch([
      { type: 'put', key: Buffer.from([0x80]), value: Buffer.alloc(0) },
      { type: 'del', key: Buffer.from('gone') },
    ]);
    await db.close();

    const again = new HermesLevel<Buffer, Buffer>(dir, {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
    });
    expect(await again.keys().all()).toEqual([Buffer.from([0x80]), Buffer.from([0xff, 0x00])]);
    expect(await again.get(Buffer.from([0xff, 0x00]))).toEqual(Buffer.from([1, 2, 3]));
    expect(await again.get(Buffer.from([0x80]))).toEqual(Buffer.alloc(0));
    expect(again.store?.report.records).toBeGreaterThan(0);
    await again.close();
  });

  it('names one key whether it is written as text or as its UTF-8 bytes', async () => {
    const db = await open();
    await db.put('é', 'text');
    expect(await db.get(Buffer.from('é') as never, { keyEncoding: 'buffer' })).toBe('text');
    await db.put(new Uint8Array([0xc3, 0xa9]) as never, 'view', { keyEncoding: 'view' });
    expect(await db.get('é')).toBe('view');
    expect(await db.keys().all()).toEqual(['é']);
    await db.close();
  });

  it('transcodes other encodings (json) through the native ones', async () => {
    const db = new HermesLevel<string, { n: number }>(dirs.next(), { valueEncoding: 'json' });
    await db.put('k', { n: 1 });
    expect(await db.get('k')).toEqual({ n: 1 });
    await db.close();
  });
});

describe('HermesLevel: open failures, each with its code', () => {
  it('refuses a missing folder with createIfMissing: false (HERMES_LEVEL_MISSING)', async () => {
    const db = new HermesLevel(dirs.next(), { createIfMissing: false });
    const error = await rejection(db.open());
    expect(error.code).toBe('LEVEL_DATABASE_NOT_OPEN');
    expect(error.cause).toBeInstanceOf(HermesLevelError);
    expect(error.cause?.code).toBe('HERMES_LEVEL_MISSING');
    expect(error.cause?.message).toMatch(/does not exist; open it without createIfMissing/);
  });

  it('refuses an existing database with errorIfExists: true (HERMES_LEVEL_EXISTS)', async () => {
    const dir = dirs.next();
    await (await open(dir)).close();
    const error = await rejection(new HermesLevel(dir, { errorIfExists: true }).open());
    expect(error.cause?.code).toBe('HERMES_LEVEL_EXISTS');
  });

  it('refuses a folder another instance has open (LEVEL_LOCKED, caused by WAL_LOCKED)', async () => {
    const dir = dirs.next();
    const first = await open(dir);
    const error = await rejection(new HermesLevel(dir).open());
    expect(error.code).toBe('LEVEL_DATABASE_NOT_OPEN');
    expect(error.cause?.code).toBe('LEVEL_LOCKED');
    expect((error.cause?.cause as { code?: string } | undefined)?.code).toBe('WAL_LOCKED');
    await first.close();
  });

  it('refuses a location that is not a path (HERMES_LEVEL_INVALID_OPTIONS)', () => {
    expect(() => new HermesLevel('')).toThrow(
      expect.objectContaining({ code: 'HERMES_LEVEL_INVALID_OPTIONS' }),
    );
  });
});

describe('HermesLevel: order', () => {
  it('iterates binary keys in byte order, natively and in reverse, from a seek target', async () => {
    const db = new HermesLevel<Buffer, string>(dirs.next(), { keyEncoding: 'buffer' });
    const keys = [[0x00], [0x7f], [0x80], [0xc3, 0xa9], [0xff], [0x61], [0x61, 0x00]].map((k) =>
      Buffer.from(k),
    );
    await db.batch(keys.map((key) => ({ type: 'put' as const, key, value: 'v' })));
    const sorted = [...keys].sort(Buffer.compare);
    expect(await db.keys().all()).toEqual(sorted);
    expect(await db.keys({ reverse: true }).all()).toEqual([...sorted].reverse());
    expect(
      await db.keys({ gt: Buffer.from([0x7f]), lte: Buffer.from([0xc3, 0xa9]) }).all(),
    ).toEqual([Buffer.from([0x80]), Buffer.from([0xc3, 0xa9])]);
    const it = db.keys();
    it.seek(Buffer.from([0x80]));
    expect(await it.next()).toEqual(Buffer.from([0x80]));
    await it.close();
    await db.close();
  });

  it('a read sees a write called before it that was not awaited, and none called after', async () => {
    const db = await open();
    await db.put('k', 'old');
    const write = db.put('k', 'new');
    const read = db.get('k');
    const snapshot = db.snapshot();
    const iterator = db.iterator();
    const later = db.put('k', 'later');
    expect(await read).toBe('new');
    expect(await iterator.all()).toEqual([['k', 'new']]);
    expect(await db.get('k', { snapshot })).toBe('new');
    await Promise.all([write, later]);
    expect(await db.get('k')).toBe('later');
    await snapshot.close();
    await db.close();
  });

  it('getSync through a snapshot still waiting for earlier writes throws HERMES_LEVEL_SNAPSHOT_PENDING', async () => {
    const db = await open();
    const write = db.put('k', 'v');
    const snapshot = db.snapshot();
    expect(() => db.getSync('k', { snapshot })).toThrow(
      expect.objectContaining({ code: 'HERMES_LEVEL_SNAPSHOT_PENDING' }),
    );
    await write;
    expect(db.getSync('k', { snapshot })).toBe('v');
    await snapshot.close();
    await db.close();
  });

  it('a ranged clear takes effect at its call among writes not awaited, and persists', async () => {
    const dir = dirs.next();
    const db = await open(dir);
    await db.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: 'z', value: '1' },
    ]);
    const writes = [
      db.put('b', '1'),
      db.clear({ gte: 'a', lt: 'm' }),
      db.put('c', '1'),
      db.get('b'),
    ];
    const results = await Promise.all(writes);
    expect(results[3]).toBeUndefined();
    expect(await db.keys().all()).toEqual(['c', 'z']);
    await db.close();
    const again = await open(dir);
    expect(await again.keys().all()).toEqual(['c', 'z']);
    await again.close();
  });

  it('a sublevel keeps its keys apart, in order, across reopen', async () => {
    const dir = dirs.next();
    const db = await open(dir);
    const sub = db.sublevel('users');
    await sub.put('b', '2');
    await sub.put('a', '1');
    await db.put('users', 'root');
    await db.close();
    const again = await open(dir);
    expect(await again.sublevel('users').iterator().all()).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    await again.sublevel('users').clear();
    expect(await again.keys().all()).toEqual(['users']);
    await again.close();
  });
});
