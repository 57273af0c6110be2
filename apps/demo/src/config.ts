import type { RecoveryMode } from '@hermes/wal';
import type { LogSetting } from './log-flag.js';
import type { SyncSetting } from './parse-values.js';

/** Which in-memory store the durable store wraps. */
export type StoreKind = 'locked' | 'sharded';

/** Everything the service needs to start, as the CLI resolves it. */
export interface ServiceConfig {
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host: string;
  /** Port; 0 picks any free port. @default 8080 */
  readonly port: number;
  /** Port of the Redis-protocol front; `undefined`: no Redis front. 0 picks any free port. @default undefined */
  readonly respPort: number | undefined;
  /** Most connections the Redis-protocol front serves at once (Redis's `maxclients`). @default 10_000 */
  readonly respMaxClients: number;
  /** Interface of the Redis-protocol front: loopback only until the service has authentication. @default '127.0.0.1' */
  readonly respHost: string;
  /**
   * The token every client must present (HTTP `Authorization: Bearer`, Redis `AUTH`), or
   * `undefined` for none (then the service listens only on loopback unless `insecure`).
   * @default undefined
   */
  readonly authToken: string | undefined;
  /** Accept listening beyond loopback with no token. @default false */
  readonly insecure: boolean;
  /**
   * Where writes go (`--log`, `--stream`): the local log in `dataDir`, or a JetStream stream
   * (then `dataDir` is unused). @default { kind: 'local' }
   */
  readonly log: LogSetting;
  /** Absolute path of the data folder (the log directory); unused on a replicated log. @default `<cwd>/data` */
  readonly dataDir: string;
  /** @default always; on a replicated log `quorum` (`--sync` does not apply there) */
  readonly sync: SyncSetting;
  /**
   * What start-up does with a damaged log (`--recovery`): `tolerate-tail` cuts a torn final
   * record and refuses earlier damage, `strict` refuses any damage, `salvage` skips damaged
   * records. @default 'tolerate-tail'
   */
  readonly recovery: RecoveryMode;
  /** @default 'sharded' */
  readonly store: StoreKind;
  /** Shards of the sharded store. @default 16 */
  readonly shards: number;
  /** @default 16 MiB */
  readonly maxValueBytes: number;
  /** @default 4096 */
  readonly maxKeyBytes: number;
  /** @default 10_000 */
  readonly maxBatchOps: number;
  /** @default 64 MiB */
  readonly maxBatchBytes: number;
  /** Most bytes of a refused (over-limit) body read and discarded after its 413. @default 1 GiB */
  readonly discardBytes: number;
  /** Longest time spent discarding a refused body after its 413, in ms. @default 30_000 */
  readonly discardMs: number;
  /** How long a graceful shutdown may take before the process exits with code 1. @default 10_000 */
  readonly shutdownTimeoutMs: number;
  /**
   * Absolute path of the folder `POST /admin/backup` writes named backups under, or `undefined`:
   * backups off. Never inside `dataDir`. @default undefined
   */
  readonly backupDir: string | undefined;
  /**
   * Whether the store compacts its log automatically. @default true; false on a replicated log
   * (each replica would compact the same stream: turn it on in one)
   */
  readonly autoCompact: boolean;
}
