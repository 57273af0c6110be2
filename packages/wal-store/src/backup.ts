import type { StoreSnapshot } from '@hermes/store';
import { type FileSystem, type RecordLimits, writeBackup } from '@hermes/wal';
import { writeLiveEntries } from './snapshot.js';
import type { BackupReport } from './types.js';

/** How a store on the local log writes a backup: with that log's file system and limits. */
export interface BackupSettings {
  /** The log directory: a backup inside it is refused. */
  readonly dir: string;
  readonly fs?: FileSystem | undefined;
  readonly limits?: Partial<RecordLimits> | undefined;
}

/** What one backup copies: a frozen snapshot and the point in log order it was taken at. */
export interface BackupSource {
  readonly snapshot: StoreSnapshot;
  readonly position: number;
  /** `performance.now()` at the call. */
  readonly started: number;
}

/**
 * Writes `source.snapshot` to `target` as a log directory (see `writeBackup` of `@hermes/wal`)
 * and reports it; always closes the snapshot. `shouldStop` is polled between slices of entries;
 * the error it returns stops the backup (nothing is left under `target`).
 */
export async function backupSnapshot(
  source: BackupSource,
  target: string,
  settings: BackupSettings,
  shouldStop: () => Error | undefined,
): Promise<BackupReport> {
  let keys = 0;
  try {
    const written = await writeBackup({
      target,
      source: settings.dir,
      ...(settings.fs === undefined ? {} : { fs: settings.fs }),
      ...(settings.limits === undefined ? {} : { limits: settings.limits }),
      fill: async (writer) => {
        keys = await writeLiveEntries(source.snapshot, writer, shouldStop);
      },
    });
    return {
      target: written.target,
      keys,
      bytes: written.bytes,
      position: source.position,
      durationMs: performance.now() - source.started,
    };
  } finally {
    source.snapshot.close();
  }
}
