import { DEFAULT_LIMITS } from '@hermes/wal';
import type { ServiceMetrics } from './metrics.js';
import { DEFAULT_DRAIN_BYTES, DEFAULT_DRAIN_MS, type DrainLimits } from './refused-body.js';
import { DEFAULT_WATCH_LIMITS, type WatchLimits } from './routes/watch.js';

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** Largest value a `PUT` body (and a batch value) may have, in bytes; over it is 413. @default 16 MiB */
  readonly maxValueBytes?: number;
  /** Largest key, in UTF-8 bytes; over it is 400. @default 4096 */
  readonly maxKeyBytes?: number;
  /** Most operations in one `POST /batch`; over it is 413. @default 10_000 */
  readonly maxBatchOps?: number;
  /** Largest `POST /batch` body (JSON, values in base64), in bytes; over it is 413. @default 64 MiB */
  readonly maxBatchBytes?: number;
  /**
   * How much of a refused body (over a limit) is read and discarded after the 413, so that a
   * client still sending it reads the answer; past it the connection is cut.
   * @default 1 GiB and 30 s
   */
  readonly drain?: Partial<DrainLimits>;
  /** Metrics to count into and serve at `/metrics`. @default a fresh `createMetrics()` */
  readonly metrics?: ServiceMetrics;
  /**
   * The token every request but `GET /healthz` must carry as `Authorization: Bearer <token>`
   * (else 401 `UNAUTHORIZED`). @default none: no authentication
   */
  readonly authToken?: string;
  /**
   * How `GET /watch` streams (heartbeat, `retry:`, a slow client's bounds).
   * @default see `DEFAULT_WATCH_LIMITS`
   */
  readonly watch?: Partial<WatchLimits>;
  /**
   * The folder `POST /admin/backup` writes named backups under (`<backupDir>/<name>`).
   * @default none: that route answers 403 `BACKUP_DISABLED`
   */
  readonly backupDir?: string;
}

/** {@link AppOptions} with every default filled in. */
export interface AppLimits {
  readonly maxValueBytes: number;
  readonly maxKeyBytes: number;
  readonly maxBatchOps: number;
  readonly maxBatchBytes: number;
  readonly drain: DrainLimits;
  readonly watch: WatchLimits;
}

/** The default value limit: the log codec's (`DEFAULT_LIMITS.maxValueBytes`, 16 MiB). */
export const DEFAULT_MAX_VALUE_BYTES: number = DEFAULT_LIMITS.maxValueBytes;
/** The default key limit: the log codec's (`DEFAULT_LIMITS.maxKeyBytes`, 4096 UTF-8 bytes). */
export const DEFAULT_MAX_KEY_BYTES: number = DEFAULT_LIMITS.maxKeyBytes;
/** The default batch size limit: the log codec's (`DEFAULT_LIMITS.maxBatchOps`, 10 000 operations). */
export const DEFAULT_MAX_BATCH_OPS: number = DEFAULT_LIMITS.maxBatchOps;
/** The default `POST /batch` body limit: 64 MiB. */
export const DEFAULT_MAX_BATCH_BODY_BYTES: number = 64 * 1024 * 1024;

/** Fills in the defaults of {@link AppOptions}. */
export function appLimits(options: AppOptions): AppLimits {
  return {
    maxValueBytes: options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES,
    maxKeyBytes: options.maxKeyBytes ?? DEFAULT_MAX_KEY_BYTES,
    maxBatchOps: options.maxBatchOps ?? DEFAULT_MAX_BATCH_OPS,
    maxBatchBytes: options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BODY_BYTES,
    drain: {
      maxBytes: options.drain?.maxBytes ?? DEFAULT_DRAIN_BYTES,
      maxMs: options.drain?.maxMs ?? DEFAULT_DRAIN_MS,
    },
    watch: { ...DEFAULT_WATCH_LIMITS, ...options.watch },
  };
}
