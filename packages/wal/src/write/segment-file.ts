import { join } from 'node:path';
import { FILE_HEADER } from '@hermes/record';
import { segmentName } from '../layout.js';
import type { AppendFile, FileSystem } from '../types.js';

/**
 * Creates segment `seq` holding only the file header, durably: the file is created exclusively
 * (an existing segment is never clobbered), fsynced, then its directory is fsynced.
 */
export async function createSegment(fs: FileSystem, dir: string, seq: number): Promise<AppendFile> {
  const path = join(dir, segmentName(seq));
  await fs.writeExclusive(path, FILE_HEADER);
  return readyOrClosed(await fs.openAppend(path), async (file) => {
    await file.datasync();
    await fs.syncDir(dir);
  });
}

/**
 * Opens the existing segment `seq` to append to it; a 0-byte segment (torn at creation and cut by
 * recovery) first gets its header, fsynced.
 */
export async function reopenSegment(fs: FileSystem, dir: string, seq: number): Promise<AppendFile> {
  return readyOrClosed(await fs.openAppend(join(dir, segmentName(seq))), async (file) => {
    if (file.size === 0) {
      await file.write([FILE_HEADER]);
      await file.datasync();
      await fs.syncDir(dir);
    }
  });
}

/** Runs `prepare` on a just-opened `file` and returns it, or closes it and rethrows. */
async function readyOrClosed(
  file: AppendFile,
  prepare: (file: AppendFile) => Promise<void>,
): Promise<AppendFile> {
  try {
    await prepare(file);
  } catch (error) {
    await file.close().catch(() => {});
    throw error;
  }
  return file;
}
