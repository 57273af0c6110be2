// Uses @hermes/store alone, as a user who wants only the in-memory stores would.
import assert from 'node:assert/strict';
import { LockedStore, ShardedStore, type Store, StoreError } from '@hermes/store';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);

for (const store of [new LockedStore(), new ShardedStore()] as Store[]) {
  await store.set('user:1', bytes('Ada'));
  await store.set('user:2', bytes('Grace'));
  assert.equal(text(store.get('user:1')), 'Ada');
  assert.equal(await store.putIfAbsent('user:1', bytes('other')), false);
  assert.equal(await store.compareAndSet('user:2', bytes('Grace'), bytes('Hopper')), true);
  await store.batch([
    { type: 'set', key: 'job:1', value: bytes('x') },
    { type: 'delete', key: 'user:1' },
  ]);
  assert.equal(store.has('user:1'), false);
  assert.equal(store.size, 2);
  assert.deepEqual([...store.keys({ prefix: 'user:' })], ['user:2']);
  assert.equal(text(store.get('user:2')), 'Hopper');
  await store.close();
  await assert.rejects(
    store.set('late', bytes('x')),
    (e: unknown) => e instanceof StoreError && e.code === 'STORE_CLOSED',
  );
}

console.log('ok @hermes/store: LockedStore and ShardedStore set, get, batch and close');
