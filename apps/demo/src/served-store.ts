import type { Store } from '@hermes/store';
import type {
  BackupReport,
  ChangeStream,
  DurableHealth,
  DurableStats,
  WatchOptions,
} from '@hermes/wal-store';

/**
 * What the HTTP app needs from a store: the `Store` contract, plus the health, stats and change
 * feed a `DurableStore` of `@hermes/wal-store` has (an in-memory store has none of them and is
 * always healthy, so tests and embedders may pass a `LockedStore`).
 */
export interface ServedStore extends Store {
  /** `{ ok: true }` while writes can succeed, otherwise the code and message of why not. */
  health?(): DurableHealth;
  /** The log's stats, for `/metrics`. */
  stats?(): DurableStats;
  /** Resolves once every earlier write is fsynced, for a write's `?sync=true`. */
  sync?(): Promise<void>;
  /** The change feed, for `GET /watch` (without it that route answers 404). */
  watch?(options?: WatchOptions): ChangeStream;
  /** A consistent online copy in a new directory, for `POST /admin/backup` (without it: 403). */
  backup?(target: string): Promise<BackupReport>;
}

/** Whether the store takes writes, and if not, why. */
export type WriteHealth = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Reads a store's health; a store without `health()` is healthy. */
export function writeHealth(store: ServedStore): WriteHealth {
  const health = store.health?.();
  if (health === undefined || health.ok) return { ok: true };
  return { ok: false, reason: `${health.code}: ${health.message}` };
}
