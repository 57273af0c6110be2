import { EVERY_KEY, type ScanOptions, type StoreReader } from '@hermes/store';
import type { DurableStore } from '@hermes/wal-store';
import type { OpQueue } from './op-queue.js';

/**
 * Deletes the keys of `range` as a snapshot saw them (read from what `from` returns, frozen by
 * then, having been taken before; the store itself when `from` is not given) as one atomic batch
 * of deletes through the durable store: one log record, all or nothing. A clear without a
 * snapshot uses the store's native ranged clear (one record naming the range) instead.
 *
 * Ordered as if it ran at its call: it holds every key lock (so writes called earlier are
 * applied before it reads the keys) and keeps `queue` closed until its batch is queued in the
 * locks (so operations called later start behind it).
 */
export function clearRange(
  durable: DurableStore,
  queue: OpQueue,
  range: ScanOptions,
  from: (() => StoreReader) | undefined,
): Promise<void> {
  const inner = durable.inner;
  queue.close();
  return new Promise<void>((resolve, reject) => {
    try {
      inner.acquire(EVERY_KEY, 'exclusive', (release) => {
        let done: Promise<void>;
        try {
          const ops = Array.from((from?.() ?? inner).keys(range), (key) => ({
            type: 'delete' as const,
            key,
          }));
          done = ops.length === 0 ? Promise.resolve() : durable.batch(ops);
        } catch (error) {
          done = Promise.reject(error);
        }
        release();
        queue.open();
        done.then(resolve, reject);
      });
    } catch (error) {
      queue.open();
      reject(error);
    }
  });
}
