import { EVERY_KEY, type LockableStore, type StoreSnapshot } from '@hermes/store';

/**
 * Runs `read` on `store` at this call's place among the writes: once every write called
 * earlier on `keys` (every key with `EVERY_KEY`) is applied, and before any write called later
 * on them. It queues for the keys' locks `exclusive`, as a conditional write does, and runs
 * inside the grant: at once when no earlier write is in flight, otherwise inside the release of
 * the last one, synchronously, so no later write can slip in between.
 *
 * This is how a `HermesLevel` read sees a write called before it but not yet durable (whose
 * promise the caller did not await), as memory-level's would.
 */
export function readAt<T>(
  store: LockableStore,
  keys: string | readonly string[] | typeof EVERY_KEY,
  read: () => T,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    store.acquire(keys, 'exclusive', (release) => {
      try {
        resolve(read());
      } catch (error) {
        reject(error);
      } finally {
        release();
      }
    });
  });
}

/** {@link readAt} of a snapshot of the whole store: the frozen state right after every earlier write. */
export function snapshotAt(store: LockableStore): Promise<StoreSnapshot> {
  return readAt(store, EVERY_KEY, () => store.snapshot());
}
