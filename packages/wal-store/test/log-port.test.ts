import { LockedStore, ShardedStore } from '@hermes/store';
import type { LogRecord } from '@hermes/wal';
import { describe, expect, it } from 'vitest';
import { type DurableStore, openDurableStore } from '../src/index.js';
import { applyRecord } from './helpers/read-log.js';
import { SharedLog } from './helpers/shared-log.js';
import { bytes, text } from './helpers/temp-dir.js';

/** Every entry of `db`, as text, in key order. */
function contents(db: DurableStore): [string, string][] {
  return [...db.entries()].map(([k, v]) => [k, text(v)!] as [string, string]).sort();
}

/** What replaying `records` in order gives. */
function fold(records: readonly LogRecord[]): [string, string][] {
  const model = new Map<string, string>();
  for (const record of records) applyRecord(model, record, (value) => text(value)!);
  return [...model].sort();
}

describe('openDurableStore over a log the caller provides', () => {
  it('replays what the log holds, then writes through it', async () => {
    const log = new SharedLog();
    const first = await openDurableStore({
      store: new ShardedStore(),
      log: log.opener(),
      compaction: false,
    });
    await first.set('a', bytes('1'));
    await first.batch([
      { type: 'set', key: 'b', value: bytes('2') },
      { type: 'delete', key: 'a' },
    ]);
    await first.close();

    const again = await openDurableStore({
      store: new LockedStore(),
      log: log.opener(),
      compaction: false,
    });
    expect(again.report.records).toBe(2);
    expect(contents(again)).toEqual([['b', '2']]);
    await again.close();
  });

  it('applies records other writers append, in log order with its own, and tells watchers', async () => {
    const log = new SharedLog();
    const a = await openDurableStore({
      store: new ShardedStore(),
      log: log.opener(),
      compaction: false,
    });
    const b = await openDurableStore({
      store: new ShardedStore(),
      log: log.opener(),
      compaction: false,
    });
    const heard: unknown[] = [];
    a.onApplied((keys) => heard.push(keys));
    const changes = a.watch();

    // Both nodes write the same keys in the same turn: the log decides the order.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      const key = `k${i % 7}`;
      writes.push(a.set(key, bytes(`a${i}`)));
      writes.push(b.set(key, bytes(`b${i}`)));
      if (i % 10 === 0) writes.push(b.delete(key));
      if (i % 13 === 0) {
        writes.push(
          a.batch([
            { type: 'set', key: 'x', value: bytes(`a${i}`) },
            { type: 'delete', key },
          ]),
        );
      }
    }
    await Promise.all(writes);
    // b's last records reach a on the same delivery as b's acknowledgements, so all is applied.
    const expected = fold(log.records.map((e) => e.record));
    expect(contents(a)).toEqual(expected);
    expect(contents(b)).toEqual(expected);
    expect(heard).toHaveLength(log.records.length);

    const first = await changes.next();
    expect(first.value).toMatchObject({ type: 'set', key: 'k0' });
    await changes.return?.();
    await a.close();
    await b.close();
  });

  it('a write resolves after every record logged before it is applied', async () => {
    const log = new SharedLog();
    const a = await openDurableStore({ store: new ShardedStore(), log: log.opener() });
    const b = await openDurableStore({ store: new ShardedStore(), log: log.opener() });
    const other = b.set('k', bytes('from b'));
    await a.set('other', bytes('from a'));
    // b's write was logged first: a sees it by the time its own write resolves.
    expect(text(a.get('k'))).toBe('from b');
    await other;
    await a.close();
    await b.close();
  });

  it('refuses a log option that is not a function', async () => {
    await expect(
      openDurableStore({
        store: new ShardedStore(),
        log: 'nats://127.0.0.1:4222' as never,
      }),
    ).rejects.toMatchObject({ code: 'DURABLE_INVALID_OPTIONS' });
  });

  it('leaves the store empty when the log fails to open', async () => {
    const store = new ShardedStore();
    await expect(
      openDurableStore({
        store,
        log: async ({ onRecord }) => {
          onRecord({ type: 'set', key: 'half', value: bytes('replayed') });
          throw Object.assign(new Error('unreachable'), { code: 'TEST_UNREACHABLE' });
        },
      }),
    ).rejects.toMatchObject({ code: 'TEST_UNREACHABLE' });
    expect(store.size).toBe(0);
  });
});
