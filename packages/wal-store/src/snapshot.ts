import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { StoreReader } from '@hermes/store';
import type { SnapshotWriter } from '@hermes/wal';

/** Entries written between two yields to the event loop, so writes keep flowing meanwhile. */
const ENTRIES_PER_SLICE = 2048;

/**
 * Writes every live entry of `store` to a snapshot as a `set` record, yielding to the event
 * loop now and then. Entries changed while this runs may be written old or new: both are
 * correct, because every change after the segment cut is also in the segments replayed after
 * the snapshot. `shouldStop` is polled at each yield; when it returns an error, that is thrown.
 * Resolves the number of entries written.
 */
export async function writeLiveEntries(
  store: StoreReader,
  writer: SnapshotWriter,
  shouldStop: () => Error | undefined,
): Promise<number> {
  let entries = 0;
  let slice = 0;
  for (const [key, value] of store.entries()) {
    await writer.write({ type: 'set', key, value });
    entries++;
    if (++slice === ENTRIES_PER_SLICE) {
      slice = 0;
      await yieldToLoop();
      const stop = shouldStop();
      if (stop) throw stop;
    }
  }
  return entries;
}
