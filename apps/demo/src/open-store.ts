import { LockedStore, ShardedStore } from '@hermes/store';
import type { FileSystem, ReplayProgress, WalObserver } from '@hermes/wal';
import { openJetStreamLog } from '@hermes/wal-jetstream';
import { type DurableStore, openDurableStore } from '@hermes/wal-store';
import type { ServiceConfig } from './config.js';

/** The codec's default longest line (64 MiB); raised when the limits need longer lines. */
const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Opens the durable store the config describes: the chosen in-memory store under the log in
 * `config.dataDir`, with the sync policy, recovery mode, limits and automatic compaction setting,
 * or, with `config.log` on nats, under the JetStream stream (automatic compaction as set; the
 * hooks, which watch a local log, are not used). Rejects with the log's `WAL_LOCKED`
 * when another process holds the folder, or `JETSTREAM_UNREACHABLE` when no server answers.
 */
export function openServiceStore(
  config: ServiceConfig,
  hooks: {
    observer?: WalObserver;
    onProgress?: (progress: ReplayProgress) => void;
    fs?: FileSystem;
  } = {},
): Promise<DurableStore> {
  const store =
    config.store === 'locked' ? new LockedStore() : new ShardedStore({ shards: config.shards });
  // A set is one line (base64 value); a batch is one line too: leave room for both.
  const maxLineBytes = Math.max(
    DEFAULT_MAX_LINE_BYTES,
    Math.ceil((config.maxValueBytes * 4) / 3) + config.maxKeyBytes * 4 + 4096,
    Math.ceil(config.maxBatchBytes * 1.5),
  );
  const limits = {
    maxValueBytes: config.maxValueBytes,
    maxKeyBytes: config.maxKeyBytes,
    maxBatchOps: config.maxBatchOps,
    maxLineBytes,
  };
  if (config.log.kind === 'nats') {
    return openDurableStore({
      store,
      log: openJetStreamLog({ servers: config.log.servers, stream: config.log.stream, limits }),
      compaction: config.autoCompact ? {} : false,
    });
  }
  return openDurableStore({
    store,
    dir: config.dataDir,
    sync: config.sync.ms,
    recovery: config.recovery,
    limits,
    compaction: config.autoCompact ? {} : false,
    ...(hooks.observer ? { observer: hooks.observer } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.fs ? { fs: hooks.fs } : {}),
  });
}
