import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AppendFile, FileSystem, ReadFile } from '../types.js';

function errnoError(message: string, code: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(message);
  error.code = code;
  return error;
}

function totalBytes(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  return total;
}

/** The chunks left once the first `written` bytes are gone. */
function dropWritten(chunks: readonly Uint8Array[], written: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  let skip = written;
  for (const chunk of chunks) {
    if (skip >= chunk.byteLength) {
      skip -= chunk.byteLength;
      continue;
    }
    rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return rest;
}

class NodeAppendFile implements AppendFile {
  readonly #fd: number;
  #size: number;

  constructor(fd: number, size: number) {
    this.#fd = fd;
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  write(chunks: readonly Uint8Array[]): Promise<void> {
    const total = totalBytes(chunks);
    if (total === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.#writeAll(chunks, total, false, resolve, reject));
  }

  #writeAll(
    chunks: readonly Uint8Array[],
    total: number,
    stalled: boolean,
    resolve: () => void,
    reject: (error: unknown) => void,
  ): void {
    fs.writev(this.#fd, chunks as Uint8Array[], (error, written) => {
      if (error) return reject(error);
      this.#size += written;
      if (written === total) return resolve();
      // A short write: libuv already loops, so the next attempt usually reports the real error
      // (ENOSPC, EIO). Two writes in a row that store nothing are treated as a failure.
      if (written === 0 && stalled) {
        return reject(errnoError(`write stored 0 of ${total} bytes twice in a row`, 'EIO'));
      }
      this.#writeAll(dropWritten(chunks, written), total - written, written === 0, resolve, reject);
    });
  }

  datasync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.fdatasync(this.#fd, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.close(this.#fd, (error) => (error ? reject(error) : resolve()));
    });
  }
}

class NodeReadFile implements ReadFile {
  readonly #fd: number;
  readonly size: number;

  constructor(fd: number, size: number) {
    this.#fd = fd;
    this.size = size;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return new Promise((resolve, reject) => {
      fs.read(this.#fd, buffer, 0, buffer.byteLength, position, (error, bytesRead) =>
        error ? reject(error) : resolve(bytesRead),
      );
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.close(this.#fd, (error) => (error ? reject(error) : resolve()));
    });
  }
}

async function openFd(path: string, flags: string): Promise<{ fd: number; size: number }> {
  const fd = await new Promise<number>((resolve, reject) => {
    fs.open(path, flags, 0o644, (error, fd) => (error ? reject(error) : resolve(fd)));
  });
  try {
    const stat = await new Promise<fs.Stats>((resolve, reject) => {
      fs.fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats)));
    });
    return { fd, size: stat.size };
  } catch (error) {
    fs.close(fd, () => {});
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * The real file system, through Node's `fs`: appends use `writev` on a file opened with
 * `O_APPEND` (looping on short writes), `datasync` is `fdatasync(2)`, `syncDir` opens the
 * directory and fsyncs it (a no-op on Windows, where directories cannot be fsynced).
 */
export const nodeFileSystem: FileSystem = {
  async openAppend(path: string): Promise<AppendFile> {
    const { fd, size } = await openFd(path, 'a');
    return new NodeAppendFile(fd, size);
  },

  async openRead(path: string): Promise<ReadFile> {
    const { fd, size } = await openFd(path, 'r');
    return new NodeReadFile(fd, size);
  },

  async writeExclusive(path: string, data: Uint8Array): Promise<void> {
    // `open(O_EXCL)` then `write` would show other openers an empty file between the two: a
    // `LOCK` they would take for one torn by a crash. So write a hidden file, then `link` it to
    // `path`, which fails with EEXIST if `path` exists and otherwise shows it whole. A crash
    // can leave the hidden file behind: a dotfile, which the log ignores.
    const hidden = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    await fs.promises.writeFile(hidden, data, { flag: 'wx', mode: 0o644 });
    try {
      await fs.promises.link(hidden, path);
    } finally {
      await fs.promises.unlink(hidden).catch(() => {});
    }
  },

  readFile(path: string): Promise<Uint8Array> {
    return fs.promises.readFile(path);
  },

  readdir(dir: string): Promise<string[]> {
    return fs.promises.readdir(dir);
  },

  async mkdir(dir: string): Promise<void> {
    await fs.promises.mkdir(dir, { recursive: true });
  },

  async size(path: string): Promise<number | undefined> {
    try {
      return (await fs.promises.stat(path)).size;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  },

  rename(from: string, to: string): Promise<void> {
    return fs.promises.rename(from, to);
  },

  async unlink(path: string): Promise<void> {
    try {
      await fs.promises.unlink(path);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },

  async truncate(path: string, length: number): Promise<void> {
    const handle = await fs.promises.open(path, 'r+');
    try {
      await handle.truncate(length);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },

  async syncDir(dir: string): Promise<void> {
    if (process.platform === 'win32') return;
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
