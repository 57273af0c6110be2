import { booleanParameter } from './query.js';
import type { ServedStore } from './served-store.js';

/** The query parameter of a write that asks to be answered only once it is fsynced. */
export const SYNC_PARAMETER = 'sync';

/**
 * Reads `?sync=true|false` of a write route (absent: false). With it, the write is answered only
 * once the log fsynced it, whatever the service's `--sync` policy: what Redis's `WAITAOF` does
 * for one write. Throws `HttpError` `BAD_QUERY` (400) for another value.
 */
export function wantsSync(query: ReadonlyMap<string, string>): boolean {
  return booleanParameter(query, SYNC_PARAMETER, 'answer once the write is fsynced');
}

/**
 * Waits until every write made so far is fsynced (`DurableStore.sync()`); a store without a log
 * (an in-memory one) has nothing to wait for. Rejects as the store's `sync()` does.
 */
export async function syncStore(store: ServedStore): Promise<void> {
  await store.sync?.();
}
