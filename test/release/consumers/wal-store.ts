// Uses the durable store: write, close, reopen, read, in the folder given as argv[2].
import assert from 'node:assert/strict';
import { ShardedStore } from '@hermes/store';
import { DurableStoreError, openDurableStore } from '@hermes/wal-store';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: node wal-store.js <dir>');
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);

const store = await openDurableStore({ dir, store: new ShardedStore() });
await store.set('user:1', bytes('Ada'));
await store.batch([
  { type: 'set', key: 'user:2', value: bytes('Grace') },
  { type: 'set', key: 'user:3', value: bytes('Barbara') },
]);
assert.equal(await store.delete('user:3'), true);
assert.equal(await store.putIfAbsent('user:1', bytes('other')), false);
await store.close();

const notEmpty = new ShardedStore();
await notEmpty.set('x', bytes('y'));
await assert.rejects(
  openDurableStore({ dir, store: notEmpty }),
  (e: unknown) => e instanceof DurableStoreError && e.code === 'DURABLE_STORE_NOT_EMPTY',
);

const reopened = await openDurableStore({ dir, store: new ShardedStore() });
assert.equal(text(reopened.get('user:1')), 'Ada');
assert.equal(text(reopened.get('user:2')), 'Grace');
assert.equal(reopened.has('user:3'), false);
assert.equal(reopened.size, 2);
const { records } = reopened.report;
await reopened.close();

console.log(
  `ok @hermes/wal-store: wrote, closed, reopened (${records} records replayed) and read back`,
);
