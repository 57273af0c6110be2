import { isStoreError, ShardedStore, StoreError } from '@hermes/store';
import {
  DEFAULT_LIMITS,
  type LogOpener,
  type LogPort,
  type LogRecord,
  RecordError,
} from '@hermes/wal';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { storeInputError } from '../src/input-errors.js';
import { readLog } from './helpers/read-log.js';
import { SharedLog } from './helpers/shared-log.js';
import { bytes, TempDirs } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

const MAX = DEFAULT_LIMITS.maxKeyBytes;

/** Every way to write `key`, each a promise that should reject. */
function writesOf(db: Awaited<ReturnType<typeof openDurableStore>>, key: string) {
  return {
    set: () => db.set(key, bytes('v')),
    delete: () => db.delete(key),
    putIfAbsent: () => db.putIfAbsent(key, bytes('v')),
    compareAndSet: () => db.compareAndSet(key, undefined, bytes('v')),
    batch: () =>
      db.batch([
        { type: 'set', key: 'fine', value: bytes('1') },
        { type: 'set', key, value: bytes('v') },
      ]),
    update: () =>
      db.update([key], () => ({
        ops: [{ type: 'set', key, value: bytes('v') }],
        result: undefined,
      })),
  };
}

describe('one error class for bad input at the store layer', () => {
  it('refuses a key over the log codec maxKeyBytes with StoreError STORE_INVALID_KEY from every write, naming the limit, logging nothing', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    for (const key of ['k'.repeat(MAX + 1), 'é'.repeat(MAX / 2 + 1), '🔑'.repeat(MAX / 4 + 1)]) {
      for (const [name, write] of Object.entries(writesOf(db, key))) {
        const error = await write().then(
          () => expect.unreachable(`${name} took a key over the limit`),
          (e: unknown) => e,
        );
        expect(error, name).toBeInstanceOf(StoreError);
        expect(isStoreError(error, 'STORE_INVALID_KEY'), name).toBe(true);
        expect((error as Error).message, name).toContain(`limit of ${MAX} (maxKeyBytes)`);
        expect((error as Error).cause, name).toMatchObject({ code: 'RECORD_KEY_TOO_LARGE' });
      }
    }
    expect(db.size).toBe(0);
    await db.close();
    expect(await readLog(dir)).toEqual([]);
  });

  it('lets update hold and read a key over the limit, refusing it only when written', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    const long = 'k'.repeat(MAX + 1);
    expect(await db.update([long], (read) => ({ ops: [], result: read(long) }))).toBeUndefined();
    await db.close();
  });

  it('takes a key of exactly maxKeyBytes UTF-8 bytes, multi-byte characters counted as bytes', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({ dir, store: new ShardedStore() });
    for (const key of ['k'.repeat(MAX), 'é'.repeat(MAX / 2), '🔑'.repeat(MAX / 4)]) {
      await db.set(key, bytes('v'));
      expect(db.has(key)).toBe(true);
    }
    await db.close();
  });

  it('checks the limits.maxKeyBytes the store was opened with', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({
      dir,
      store: new ShardedStore(),
      limits: { maxKeyBytes: 8 },
    });
    await db.set('12345678', bytes('v'));
    await expect(db.set('123456789', bytes('v'))).rejects.toMatchObject({
      name: 'StoreError',
      code: 'STORE_INVALID_KEY',
      message: expect.stringContaining('limit of 8'),
    });
    await db.close();
  });

  it('refuses a value over maxValueBytes with StoreError STORE_INVALID_VALUE, the codec error as cause', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({
      dir,
      store: new ShardedStore(),
      limits: { maxValueBytes: 4 },
    });
    const error = await db.set('k', bytes('12345')).then(
      () => expect.unreachable(),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'STORE_INVALID_VALUE' });
    expect((error as Error).cause).toMatchObject({ code: 'RECORD_VALUE_TOO_LARGE' });
    await expect(db.putIfAbsent('k', bytes('12345'))).rejects.toMatchObject({
      code: 'STORE_INVALID_VALUE',
    });
    expect(db.size).toBe(0);
    await db.close();
    expect(await readLog(dir)).toEqual([]);
  });

  it('refuses a batch over maxBatchOps with StoreError STORE_INVALID_BATCH', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({
      dir,
      store: new ShardedStore(),
      limits: { maxBatchOps: 2 },
    });
    const ops = ['a', 'b', 'c'].map((key) => ({ type: 'delete' as const, key }));
    await expect(db.batch(ops)).rejects.toMatchObject({
      name: 'StoreError',
      code: 'STORE_INVALID_BATCH',
    });
    await db.close();
  });

  it('refuses a clear bound over maxKeyBytes with StoreError STORE_INVALID_OPTION', async () => {
    const dir = await dirs.make();
    const db = await openDurableStore({
      dir,
      store: new ShardedStore(),
      limits: { maxKeyBytes: 8 },
    });
    await db.set('a', bytes('1'));
    await expect(db.clear({ gte: 'a', lt: 'z'.repeat(9) })).rejects.toMatchObject({
      name: 'StoreError',
      code: 'STORE_INVALID_OPTION',
    });
    expect(db.has('a')).toBe(true);
    await db.close();
  });

  it("turns a provided log's codec refusal of a key into StoreError STORE_INVALID_KEY", async () => {
    const shared = new SharedLog();
    const db = await openDurableStore({
      store: new ShardedStore(),
      log: refusingLongKeys(shared.opener(), 8),
      compaction: false,
    });
    await db.set('short', bytes('v'));
    const error = await db.set('much-too-long', bytes('v')).then(
      () => expect.unreachable(),
      (e) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'STORE_INVALID_KEY' });
    expect((error as Error).cause).toBeInstanceOf(RecordError);
    expect(db.has('much-too-long')).toBe(false);
    await db.close();
  });

  it('leaves errors that are not bad input unchanged', () => {
    const record: LogRecord = { type: 'delete', key: 'k' };
    const failure = new Error('disk on fire');
    expect(storeInputError(failure, record)).toBe(failure);
    const broken = new RecordError('RECORD_INVALID', 'not a record');
    expect(storeInputError(broken, record)).toBe(broken);
  });
});

/** `opener`'s log, whose `append` refuses keys over `max` characters as a codec would. */
function refusingLongKeys(opener: LogOpener, max: number): LogOpener {
  return async (follower) => {
    const opened = await opener(follower);
    const inner = opened.log;
    const log = new Proxy(inner, {
      get(target, name) {
        if (name === 'append') {
          return (record: LogRecord, onDurable?: () => void): Promise<void> =>
            'key' in record && record.key.length > max
              ? Promise.reject(new RecordError('RECORD_KEY_TOO_LARGE', 'The key is too large.'))
              : target.append(record, onDurable);
        }
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as LogPort;
    return { ...opened, log };
  };
}
