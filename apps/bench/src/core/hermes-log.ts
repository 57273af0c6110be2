import { openWal, SyncEverySecond } from '@hermes/wal';
import { keyOf, valuePool } from './data.js';

/**
 * Fills a fresh log directory with `count` SET records of `valueBytes`-byte values through the
 * wal itself (SyncEverySecond, 256 appends in flight): record `i` sets key `keyOf(i % keys)`,
 * so `count / keys` is the churn. Resolves the log's bytes once it is closed (fsynced).
 */
export async function fillLog(
  dir: string,
  count: number,
  keys: number = count,
  valueBytes = 100,
): Promise<number> {
  const values = valuePool(valueBytes);
  const { wal } = await openWal({ dir, sync: SyncEverySecond });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await wal.append({ type: 'set', key: keyOf(i % keys), value: values[i & 63]! });
    }
  };
  await Promise.all(Array.from({ length: 256 }, worker));
  const bytes = wal.stats().logBytes;
  await wal.close();
  return bytes;
}
