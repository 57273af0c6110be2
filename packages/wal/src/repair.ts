import type { FileSystem } from './types.js';

const COPY_CHUNK_BYTES = 1024 * 1024;

function brokenCandidate(path: string, attempt: number): string {
  return attempt === 0 ? `${path}.broken` : `${path}.broken.${attempt}`;
}

/**
 * The name the cut bytes of `path` would be kept in: `<path>.broken`, or `<path>.broken.<n>`
 * with the smallest `n` not taken, so an earlier backup is never overwritten.
 */
export async function nextBrokenName(fs: FileSystem, path: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const candidate = brokenCandidate(path, attempt);
    if ((await fs.size(candidate)) === undefined) return candidate;
  }
}

function isExists(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EEXIST';
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
  const bytes = size - offset;
  let brokenFile = '';
  for (let attempt = 0; ; attempt++) {
    brokenFile = brokenCandidate(path, attempt);
    try {
      await fs.writeExclusive(brokenFile, new Uint8Array(0));
      break;
    } catch (error) {
      if (!isExists(error)) throw error;
    }
  }
  const out = await fs.openAppend(brokenFile);
  try {
    const input = await fs.openRead(path);
    try {
      const buffer = new Uint8Array(Math.min(COPY_CHUNK_BYTES, Math.max(bytes, 1)));
      let position = offset;
      while (position < size) {
        const want = Math.min(buffer.length, size - position);
        const n = await input.read(buffer.subarray(0, want), position);
        if (n === 0) break;
        // The port may keep the chunk until the write resolves; copy to stay safe on reuse.
        await out.write([buffer.slice(0, n)]);
        position += n;
      }
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
  return { brokenFile, bytes };
}
