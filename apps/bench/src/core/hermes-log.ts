import { openWal, SyncEverySecond } from '@hermes/wal';
import type { Context } from '../types.js';
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

/** A log directory filled by {@link fillLog}, shared by the scenarios of a run. */
export interface SharedLog {
  readonly dir: string;
  readonly records: number;
  readonly keys: number;
  readonly bytes: number;
}

/**
 * The run's log of `keys` live keys each written `churn` times, made once per run (the wal
 * replay and the durable open rows read the same one). Scenarios must not write to it.
 */
export function sharedLog(
  ctx: Pick<Context, 'shared' | 'dir' | 'status'>,
  keys: number,
  churn: number,
): Promise<SharedLog> {
  return ctx.shared(`log-${keys}x${churn}`, async () => {
    const dir = await ctx.dir(`log-${keys}x${churn}`);
    ctx.status(`writing a log of ${keys * churn} records over ${keys} keys`);
    const bytes = await fillLog(dir, keys * churn, keys);
    return { dir, records: keys * churn, keys, bytes };
  });
}
