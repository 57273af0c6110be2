import type { FileSystem } from '@hermes/wal';
import type { DurableStore } from '@hermes/wal-store';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ServiceConfig } from './config.js';
import { trackLogActivity } from './log-activity.js';
import { createMetrics } from './metrics.js';
import { openServiceStore } from './open-store.js';
import { type RespServer, startRespServer } from './redis/server.js';
import { type ProgressStream, replayProgress } from './replay-progress.js';
import { replicationOf } from './replication.js';
import { registerReplicationGauges } from './replication-metrics.js';
import { startupLine } from './startup-line.js';

/** A started service. */
export interface RunningService {
  /** `http://host:port`, with the real port when the config asked for port 0. */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** The Redis-protocol front (`redis://host:port`), when `--resp-port` asked for one. */
  readonly resp: RespServer | undefined;
  /** The one start-up line (see `startupLine`). */
  readonly line: string;
  readonly store: DurableStore;
  readonly app: FastifyInstance;
  /**
   * Shuts down gracefully: stops accepting connections, answers new requests on open ones with
   * 503, lets requests in flight finish, then closes the store (final fsync, lock released).
   * Every call returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Opens the store in `config.dataDir` (replaying its log, with progress on `stderr`), builds
 * the app and listens. Rejects with the log's `WAL_LOCKED` if another process holds the folder,
 * or with the server's error (e.g. `EADDRINUSE`), having closed the store again. `ports.fs` is
 * the log's file-system port (tests pass `FaultyFileSystem` of `@hermes/wal/testing`).
 */
export async function startService(
  config: ServiceConfig,
  io: { stderr: ProgressStream },
  ports: { fs?: FileSystem } = {},
): Promise<RunningService> {
  const metrics = createMetrics();
  const log = trackLogActivity(metrics.observer);
  const progress = replayProgress(io.stderr);
  let store: DurableStore;
  try {
    store = await openServiceStore(config, {
      observer: log.observer,
      onProgress: progress.onProgress,
      ...(ports.fs ? { fs: ports.fs } : {}),
    });
  } finally {
    progress.done();
  }
  metrics.replayed(store.report);
  metrics.readFrom(() => {
    const stats = store.stats();
    return { logBytes: stats.logBytes, fsyncLagMs: stats.fsyncLagMs, keys: store.size };
  });
  if (config.log.kind === 'nats') {
    registerReplicationGauges(metrics.registry, () => replicationOf(store.stats()));
  }
  store.on('compaction', () => metrics.compaction(true));
  store.on('compaction-failed', (error) => {
    metrics.compaction(false);
    io.stderr.write(
      `hermes: compaction failed (the old log is intact, it will retry): ${error.message}\n`,
    );
  });
  store.on('poisoned', (error) => {
    // A replicated log has no observer of its own: the store's event sets the gauge.
    if (config.log.kind === 'nats') metrics.observer.poisoned(error);
    io.stderr.write(
      `hermes: the log failed, writes are refused until restart (reads still work): ${error.message}\n`,
    );
  });

  const app = buildApp(store, {
    maxValueBytes: config.maxValueBytes,
    maxKeyBytes: config.maxKeyBytes,
    maxBatchOps: config.maxBatchOps,
    maxBatchBytes: config.maxBatchBytes,
    drain: { maxBytes: config.discardBytes, maxMs: config.discardMs },
    ...(config.authToken === undefined ? {} : { authToken: config.authToken }),
    ...(config.backupDir === undefined ? {} : { backupDir: config.backupDir }),
    metrics,
  });
  let resp: RespServer | undefined;
  try {
    await app.listen({ host: config.host, port: config.port });
    if (config.respPort !== undefined) {
      resp = await startRespServer(store, {
        host: config.respHost,
        port: config.respPort,
        maxClients: config.respMaxClients,
        ...(config.authToken === undefined ? {} : { authToken: config.authToken }),
        limits: { maxKeyBytes: config.maxKeyBytes, maxValueBytes: config.maxValueBytes },
        protocol: {
          maxBulkBytes: Math.max(config.maxValueBytes, config.maxKeyBytes),
          maxCommandBytes: Math.max(
            config.maxBatchBytes,
            config.maxValueBytes + config.maxKeyBytes,
          ),
        },
        syncLabel: config.sync.label,
        activity: log.activity,
      });
    }
  } catch (error) {
    await app.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    resp,
    line: startupLine(url, resp?.url, config, store.report),
    store,
    app,
    close() {
      closing ??= (async () => {
        try {
          await Promise.all([app.close(), resp?.close(config.shutdownTimeoutMs)]);
        } finally {
          await store.close();
        }
      })();
      return closing;
    },
  };
}
