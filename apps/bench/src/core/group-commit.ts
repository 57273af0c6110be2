import { close, fdatasync, open, writev } from 'node:fs';
import { type FileHandle, open as openHandle } from 'node:fs/promises';

/** How the baseline reaches the disk. */
export type BaselineIo = 'callbacks' | 'filehandle';

/**
 * The disk's limit as plain Node sees it: producers hand buffers to one consumer, which writes
 * everything pending with one `writev` and (when `sync`) one `fdatasync`, then settles all of
 * it; whatever arrived meanwhile forms the next batch. A batch starts at the end of the turn in
 * which its first write came (a microtask), so a burst of writers resumed together (as N callers
 * are when a batch settles) shares one batch instead of the first writing alone. Nothing else:
 * no framing, no checksum, no bounds. This is the baseline every Hermes write row is divided by.
 */
export class GroupCommitBaseline {
  readonly #sync: boolean;
  #fd = -1;
  #handle: FileHandle | undefined;
  #queue: Uint8Array[] = [];
  #waiters: Array<(error?: Error) => void> = [];
  #busy = false;
  /** Group commits written, for the report. */
  commits = 0;
  /** Bytes written. */
  bytes = 0;

  private constructor(sync: boolean) {
    this.#sync = sync;
  }

  /** Opens (creating) `path` for appending. */
  static async open(path: string, sync: boolean, io: BaselineIo): Promise<GroupCommitBaseline> {
    const b = new GroupCommitBaseline(sync);
    if (io === 'filehandle') b.#handle = await openHandle(path, 'a');
    else
      b.#fd = await new Promise<number>((resolve, reject) =>
        open(path, 'a', (err, fd) => (err ? reject(err) : resolve(fd))),
      );
    return b;
  }

  /** Resolves once `line` is written (and fdatasynced when `sync`). */
  write(line: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push(line);
      this.#waiters.push((error) => (error ? reject(error) : resolve()));
      if (!this.#busy) {
        this.#busy = true;
        queueMicrotask(this.#flushNow);
      }
    });
  }

  readonly #flushNow = (): void => this.#flush();

  #flush(): void {
    this.#busy = true;
    const chunks = this.#queue;
    const waiters = this.#waiters;
    this.#queue = [];
    this.#waiters = [];
    let size = 0;
    for (const c of chunks) size += c.length;
    const done = (error?: Error | null): void => {
      this.commits++;
      this.bytes += size;
      for (const w of waiters) w(error ?? undefined);
      if (this.#queue.length > 0) this.#flush();
      else this.#busy = false;
    };
    if (this.#handle) {
      const h = this.#handle;
      h.writev(chunks)
        .then((r) => {
          if (r.bytesWritten !== size) throw new Error('short write');
          return this.#sync ? h.datasync() : undefined;
        })
        .then(() => done(), done);
      return;
    }
    writev(this.#fd, chunks, (err, written) => {
      if (err || written !== size) return done(err ?? new Error('short write'));
      if (!this.#sync) return done();
      fdatasync(this.#fd, done);
    });
  }

  /** Closes the file (everything written has settled by then). */
  async close(): Promise<void> {
    if (this.#handle) return this.#handle.close();
    await new Promise<void>((resolve, reject) =>
      close(this.#fd, (err) => (err ? reject(err) : resolve())),
    );
  }
}
