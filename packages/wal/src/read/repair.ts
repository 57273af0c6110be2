import type { AppendFile, FileSystem, ReadFile } from '../types.js';

const COPY_CHUNK_BYTES = 1024 * 1024;

function candidate(path: string, suffix: string, attempt: number): string {
  return attempt === 0 ? `${path}.${suffix}` : `${path}.${suffix}.${attempt}`;
}

/**
 * The name the cut bytes of `path` would be kept in: `<path>.broken`, or `<path>.broken.<n>`
 * with the smallest `n` not taken, so an earlier backup is never overwritten.
 */
export async function nextBrokenName(fs: FileSystem, path: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const name = candidate(path, 'broken', attempt);
    if ((await fs.size(name)) === undefined) return name;
  }
}

function isExists(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EEXIST';
}

/**
 * Creates `<path>.<suffix>`, or `<path>.<suffix>.<n>` with the smallest `n` not taken, empty and
 * exclusively (an earlier file is never overwritten), and opens it to append. Not synced: fsync
 * the file and its directory once written. Throws I/O errors.
 */
export async function createSideFile(
  fs: FileSystem,
  path: string,
  suffix: string,
): Promise<{ readonly path: string; readonly file: AppendFile }> {
  for (let attempt = 0; ; attempt++) {
    const name = candidate(path, suffix, attempt);
    try {
      await fs.writeExclusive(name, new Uint8Array(0));
    } catch (error) {
      if (!isExists(error)) throw error;
      continue;
    }
    return { path: name, file: await fs.openAppend(name) };
  }
}

/**
 * Appends bytes `from` up to (not including) `to` of `input` to `out`, in chunks of at most
 * 1 MiB (memory stays bounded whatever the range). Stops early if the file is shorter. Not synced.
 */
export async function copyRange(
  input: ReadFile,
  out: AppendFile,
  from: number,
  to: number,
): Promise<void> {
  const buffer = new Uint8Array(Math.min(COPY_CHUNK_BYTES, Math.max(to - from, 1)));
  let position = from;
  while (position < to) {
    const want = Math.min(buffer.length, to - position);
    const n = await input.read(buffer.subarray(0, want), position);
    if (n === 0) break;
    // The port may keep the chunk until the write resolves; copy to stay safe on reuse.
    await out.write([buffer.slice(0, n)]);
    position += n;
  }
}

/** What {@link cutTail} did. */
export interface CutTail {
  /** Where the cut bytes were kept. */
  readonly brokenFile: string;
  /** How many bytes were cut. */
  readonly bytes: number;
}

/**
 * Cuts `path` at `offset` durably, keeping the cut bytes: copies them to a fresh `.broken` file
 * (never overwriting one), fsyncs it and the directory, truncates `path` (the port fsyncs the
 * truncation), then fsyncs the directory again. A crash at any step loses no byte: either the
 * segment is still whole, or the backup is durable before the cut. Throws I/O errors.
 */
export async function cutTail(
  fs: FileSystem,
  dir: string,
  path: string,
  offset: number,
  size: number,
): Promise<CutTail> {
  const { path: brokenFile, file: out } = await createSideFile(fs, path, 'broken');
  try {
    const input = await fs.openRead(path);
    try {
      await copyRange(input, out, offset, size);
    } finally {
      await input.close();
    }
    await out.datasync();
  } finally {
    await out.close();
  }
  await fs.syncDir(dir);
  await fs.truncate(path, offset);
  await fs.syncDir(dir);
  return { brokenFile, bytes: size - offset };
}
