import type { BatchOp, LockableStore, ScanOptions } from '@hermes/store';
import type { ClearRecord } from '@hermes/wal';
import type { AppliedOps } from './change-history.js';

/** The bounds of a clear record as scan options (only the bounds it names). */
export function clearBounds(record: ClearRecord): ScanOptions {
  const bounds: { gt?: string; gte?: string; lt?: string; lte?: string } = {};
  if (record.gt !== undefined) bounds.gt = record.gt;
  if (record.gte !== undefined) bounds.gte = record.gte;
  if (record.lt !== undefined) bounds.lt = record.lt;
  if (record.lte !== undefined) bounds.lte = record.lte;
  return bounds;
}

/**
 * Applies a `CLEAR` record to `store` (the caller holds every lock, or replays before anyone can
 * write): without bounds every key goes, else the keys within them, as one atomic batch of
 * deletes. Returns what changed, for the applied-write listeners, or `undefined` when nothing did.
 */
export function applyClear(store: LockableStore, record: ClearRecord): AppliedOps | undefined {
  const bounds = clearBounds(record);
  if (Object.keys(bounds).length === 0) {
    store.clearUnlocked();
    return 'every key';
  }
  const deletes: BatchOp[] = [];
  for (const key of store.keys(bounds)) deletes.push({ type: 'delete', key });
  if (deletes.length === 0) return undefined;
  store.applyUnlocked(deletes);
  return deletes;
}
