import { describe, expect, it } from 'vitest';
import { bytes } from './bytes.js';
import type { ResolvedSuiteOptions } from './options.js';

/** Registers the closed-store cases. */
export function lifecycleTests(o: ResolvedSuiteOptions): void {
  describe('close', () => {
    it('every write after close rejects with STORE_CLOSED, and close is idempotent', () =>
      o.withStore(async (store) => {
        await store.set('k', bytes('v'));
        await store.close();
        const closed = { code: 'STORE_CLOSED' };
        await expect(store.set('k', bytes('v'))).rejects.toMatchObject(closed);
        await expect(store.delete('k')).rejects.toMatchObject(closed);
        await expect(store.putIfAbsent('n', bytes('v'))).rejects.toMatchObject(closed);
        await expect(store.compareAndSet('k', bytes('v'), bytes('w'))).rejects.toMatchObject(
          closed,
        );
        await expect(
          store.batch([{ type: 'set', key: 'k', value: bytes('w') }]),
        ).rejects.toMatchObject(closed);
        await expect(store.clear()).rejects.toMatchObject(closed);
        await expect(store.close()).resolves.toBeUndefined();
      }));

    it('writes issued before close settle, and close waits for them', () =>
      o.withStore(async (store) => {
        const order: string[] = [];
        const writes = [
          store.set('a', bytes('1')).then(() => order.push('set')),
          store.putIfAbsent('b', bytes('2')).then((won) => order.push(`putIfAbsent:${won}`)),
          store.batch([{ type: 'delete', key: 'a' }]).then(() => order.push('batch')),
        ];
        const closing = store.close().then(() => order.push('close'));
        await Promise.all([...writes, closing]);
        expect(order.slice(0, 3).sort()).toEqual(['batch', 'putIfAbsent:true', 'set']);
        expect(order[3]).toBe('close');
      }));
  });
}
