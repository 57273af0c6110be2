import type { KeyBounds, LockableStore } from '@hermes/store';
import type { ClearRecord } from '@hermes/wal';
import type { AppliedOps } from './change-history.js';

/** The bounds of a clear record (only those it names; `{}` for every key). */
export function clearBounds(record: ClearRecord): KeyBounds {
  const bounds: { gt?: string; gte?: string; lt?: string; lte?: string } = {};
  if (record.gt !== undefined) bounds.gt = record.gt;
  if (record.gte !== undefined) bounds.gte = record.gte;
  if (record.lt !== undefined) bounds.lt = record.lt;
  if (record.lte !== undefined) bounds.lte = record.lte;
  return bounds;
}

/** Whether `bounds` leave both sides open: the clear of every key. */
export function isEveryKey(bounds: KeyBounds): boolean {
  return (
    bounds.gt === undefined &&
    bounds.gte === undefined &&
    bounds.lt === undefined &&
    bounds.lte === undefined
  );
}

/**
 * Applies a `CLEAR` record to `store`, synchronously (the caller holds every lock, or replays
 * before anyone can write): every key within its bounds goes, atomically. Returns what changed
 * for the applied-write listeners (with the removed keys only when `listening`, since listing
 * them costs), or `undefined` when nothing did.
 * Throws what the store's `clearUnlocked` throws.
 */
export function applyClear(
  store: LockableStore,
  record: ClearRecord,
  listening: boolean,
): AppliedOps | undefined {
  const bounds = clearBounds(record);
  if (isEveryKey(bounds)) {
    store.clearUnlocked();
    return 'every key';
  }
  const keys = listening ? [...store.keys(bounds)] : [];
  const removed = store.clearUnlocked(bounds);
  return removed === 0 ? undefined : { type: 'clear', range: bounds, keys };
}
