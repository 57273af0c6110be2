import { join } from 'node:path';
import { encodeRecord, FILE_HEADER, type LogRecord, type RecordLimits } from '@hermes/record';
import { parseLogFileName, snapshotName, snapshotTempName } from '../layout.js';
import type { AppendFile, FileSystem, SnapshotWriter } from '../types.js';

/** Bytes a snapshot writer gathers before it writes them out. */
const SNAPSHOT_BUFFER_BYTES = 1024 * 1024;

/** Buffers encoded records and writes them in 1 MiB groups; `write` waits while a group is written. */
class BufferedSnapshotWriter implements SnapshotWriter {
  readonly #file: AppendFile;
  readonly #limits: RecordLimits;
  #chunks: Uint8Array[] = [FILE_HEADER];
  #bytes = FILE_HEADER.length;

  constructor(file: AppendFile, limits: RecordLimits) {
    this.#file = file;
    this.#limits = limits;
  }

  async write(record: LogRecord): Promise<void> {
    const chunk = encodeRecord(record, this.#limits);
    this.#chunks.push(chunk);
    this.#bytes += chunk.byteLength;
    if (this.#bytes >= SNAPSHOT_BUFFER_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#chunks.length === 0) return;
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#bytes = 0;
    await this.#file.write(chunks);
  }
}

/** What {@link writeSnapshot} and {@link installSnapshotFile} need. */
export interface SnapshotContext {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly limits: RecordLimits;
}

/**
 * Writes `<upTo>.snap.tmp`: the file header, then what `fill` writes; fsyncs it and resolves its
 * size. On failure the temporary file is removed and the error rethrown.
 */
export async function writeSnapshot(
  ctx: SnapshotContext,
  upTo: number,
  fill: (writer: SnapshotWriter) => Promise<void>,
): Promise<number> {
  const tmp = join(ctx.dir, snapshotTempName(upTo));
  await ctx.fs.unlink(tmp);
  const file = await ctx.fs.openAppend(tmp);
  let ok = false;
  try {
    const writer = new BufferedSnapshotWriter(file, ctx.limits);
    await fill(writer);
    await writer.flush();
    await file.datasync();
    ok = true;
    return file.size;
  } finally {
    await file.close().catch(() => {});
    if (!ok) await ctx.fs.unlink(tmp).catch(() => {});
  }
}

/**
 * Renames `<upTo>.snap.tmp` to `<upTo>.snap`, fsyncs the directory, removes the segments below
 * `upTo` and older snapshots, and fsyncs the directory again. Resolves the bytes removed.
 * Each step leaves a directory that replays to the same state (recovery removes what a crash
 * left behind).
 */
export async function installSnapshotFile(ctx: SnapshotContext, upTo: number): Promise<number> {
  const { fs, dir } = ctx;
  await fs.rename(join(dir, snapshotTempName(upTo)), join(dir, snapshotName(upTo)));
  await fs.syncDir(dir);
  let removed = 0;
  for (const name of await fs.readdir(dir)) {
    const file = parseLogFileName(name);
    if (file === undefined || file.seq >= upTo || file.kind === 'snapshot-tmp') continue;
    const path = join(dir, name);
    removed += (await fs.size(path)) ?? 0;
    await fs.unlink(path);
  }
  await fs.syncDir(dir);
  return removed;
}
