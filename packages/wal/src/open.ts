import { join } from 'node:path';
import { makeLogDir } from './fs/make-dir.js';
import { segmentName, snapshotName } from './layout.js';
import { acquireLock } from './lock/directory-lock.js';
import { resolveOptions } from './options.js';
import { type RecoveredLog, recoverLog } from './read/recover.js';
import type { AppendFile, FileSystem, OpenReport, Wal, WalOptions } from './types.js';
import { LogActor } from './write/actor.js';
import { LogState } from './write/log-state.js';
import { AppendQueue } from './write/queue.js';
import { createSegment, reopenSegment } from './write/segment-file.js';
import { type InitialSizes, OpenWal } from './write/wal.js';

/** Sums the sizes of the snapshot and segments that recovery kept. */
async function measure(
  fs: FileSystem,
  dir: string,
  log: RecoveredLog,
  current: number,
): Promise<InitialSizes> {
  const segments = log.segments.includes(current) ? log.segments : [...log.segments, current];
  let segmentBytes = 0;
  for (const seq of segments) segmentBytes += (await fs.size(join(dir, segmentName(seq)))) ?? 0;
  const snapshotBytes =
    log.snapshotSeq === null ? 0 : ((await fs.size(join(dir, snapshotName(log.snapshotSeq)))) ?? 0);
  return { segmentBytes, snapshotBytes };
}

/**
 * Opens (creating if needed) the log in `options.dir`: creates the directory and its missing
 * parents durably (fsyncing each new one and the first that existed), takes the directory lock, replays the
 * snapshot and segments into `onRecord` (repairing a torn tail under the recovery mode), then
 * appends to the last segment if it is in the current format and not full, or starts a new one.
 * @throws WalError `WAL_LOCKED` if another live process, or this one, holds the directory;
 *   `WAL_CORRUPT` for damage the recovery mode may not repair; `WAL_INVALID_OPTIONS`.
 */
export async function openWal(options: WalOptions): Promise<{ wal: Wal; report: OpenReport }> {
  const resolved = resolveOptions(options);
  const { fs, dir } = resolved;
  await makeLogDir(fs, dir);
  const lock = await acquireLock(fs, dir);
  let file: AppendFile | undefined;
  try {
    const log = await recoverLog({
      fs,
      dir,
      recovery: resolved.recovery,
      limits: resolved.limits,
      ...(options.onRecord === undefined ? {} : { onRecord: options.onRecord }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const last = log.lastSegment;
    let seq: number;
    if (
      last !== null &&
      // Only a segment in the format written now takes more records: a v1 one never holds a
      // CLEAR, so a log opened over one continues in a fresh v2 segment.
      last.format === 'v2' &&
      !last.endsDamaged &&
      last.size < resolved.segmentBytes
    ) {
      seq = last.seq;
      file = await reopenSegment(fs, dir, seq);
    } else {
      seq = Math.max(last === null ? 1 : last.seq + 1, log.snapshotSeq ?? 1, 1);
      file = await createSegment(fs, dir, seq);
    }
    const sizes = await measure(fs, dir, log, seq);
    const queue = new AppendQueue(
      { maxBytes: resolved.maxQueueBytes, maxRecords: resolved.maxQueueRecords },
      resolved.limits,
    );
    const state = new LogState(dir);
    const actor = new LogActor(
      {
        fs,
        dir,
        state,
        sync: resolved.sync,
        segmentBytes: resolved.segmentBytes,
        maxCommitBytes: resolved.maxCommitBytes,
        observer: resolved.observer,
      },
      queue,
      file,
      seq,
    );
    return { wal: new OpenWal(resolved, state, actor, queue, lock, sizes), report: log.report };
  } catch (error) {
    await file?.close().catch(() => {});
    await lock.release().catch(() => {});
    throw error;
  }
}
