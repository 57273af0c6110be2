import { dirname, resolve } from 'node:path';
import { nodeFileSystem } from '../fs/node-fs.js';
import type { AppendFile, FileSystem, ReadFile } from '../types.js';
import { type CrashOptions, DurabilityTracker } from './durability.js';
import {
  type Fault,
  type FaultHandle,
  type FaultTarget,
  FS_OPERATIONS,
  type FsOperation,
  faultError,
} from './faults.js';

interface ArmedFault {
  readonly operation: FsOperation;
  readonly fault: Fault;
  readonly path: string | RegExp | undefined;
  remaining: number;
  fired: boolean;
  readonly gate: Promise<void>;
  readonly open: () => void;
  readonly reach: () => void;
}

function matches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? resolve(pattern) === path : pattern.test(path);
}

/** Keeps the first `bytes` bytes of `chunks`. */
function prefix(chunks: readonly Uint8Array[], bytes: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let left = bytes;
  for (const chunk of chunks) {
    if (left <= 0) break;
    out.push(chunk.byteLength <= left ? chunk : chunk.subarray(0, left));
    left -= chunk.byteLength;
  }
  return out;
}

/** What a handle needs from its file system, kept off the public class. */
interface HandleContext {
  run<T>(
    operation: FsOperation,
    path: string,
    epoch: number,
    body: (fault: Fault | undefined) => Promise<T>,
  ): Promise<T>;
  noteSynced(path: string, length: number): void;
}

/**
 * A {@link FileSystem} that wraps a real one (`nodeFileSystem` by default) and, on demand, fails,
 * tears, hangs or crashes, in the manner of LevelDB's and RocksDB's fault-injection environments.
 *
 * - `fail(op, code)`, `shortWrite(bytes, code)`, `hang(op)`: arm a one-shot fault on the next (or
 *   nth) matching call; each returns a {@link FaultHandle} whose `reached` promise resolves when
 *   the call hits it (wait on that, never on a timer).
 * - `crash()`: power loss. Every file drops what was not fsynced; creations, renames and removals
 *   not followed by a `syncDir` of their directory are undone, and so are directories created by
 *   `mkdir` whose parent was not synced since (they vanish with everything in them); every handle opened before fails
 *   with `EIO`, and so does any call still hanging when it is released.
 * - `counts`: how many times each operation was called.
 */
export class FaultyFileSystem implements FileSystem {
  readonly #inner: FileSystem;
  readonly #tracker: DurabilityTracker;
  #faults: ArmedFault[] = [];
  #watchers: {
    readonly operation: FsOperation;
    readonly path: string | RegExp | undefined;
    remaining: number;
    readonly resolve: () => void;
  }[] = [];
  #epoch = 0;
  readonly #inFlight = new Set<Promise<unknown>>();
  #counts: Record<FsOperation, number> = FaultyFileSystem.#zero();
  readonly #handles: HandleContext = {
    run: (operation, path, epoch, body) => this.#run(operation, path, epoch, body),
    noteSynced: (path, length) => this.#tracker.synced(path, length),
  };

  /** @param inner The file system that does the real work. @default nodeFileSystem */
  constructor(inner: FileSystem = nodeFileSystem) {
    this.#inner = inner;
    this.#tracker = new DurabilityTracker(inner);
  }

  static #zero(): Record<FsOperation, number> {
    const counts = {} as Record<FsOperation, number>;
    for (const op of FS_OPERATIONS) counts[op] = 0;
    return counts;
  }

  /** Calls made of each operation since construction or the last {@link resetCounts}. */
  get counts(): Readonly<Record<FsOperation, number>> {
    return this.#counts;
  }

  /** Sets every counter back to 0. */
  resetCounts(): void {
    this.#counts = FaultyFileSystem.#zero();
  }

  /** Arms `fault` on the nth call of `operation` (matching `target.path`) from now. */
  inject(operation: FsOperation, fault: Fault, target: FaultTarget = {}): FaultHandle {
    const nth = target.nth ?? 1;
    if (!Number.isSafeInteger(nth) || nth < 1)
      throw new RangeError(`nth must be a positive integer, got ${nth}`);
    if (fault.kind === 'short' && operation !== 'write')
      throw new RangeError('a short fault only applies to write');
    let open!: () => void;
    let reach!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const reached = new Promise<void>((r) => {
      reach = r;
    });
    const armed: ArmedFault = {
      operation,
      fault,
      path: target.path,
      remaining: nth,
      fired: false,
      gate,
      open,
      reach,
    };
    this.#faults.push(armed);
    return {
      reached,
      get fired() {
        return armed.fired;
      },
      release: open,
      cancel: () => {
        this.#faults = this.#faults.filter((f) => f !== armed);
      },
    };
  }

  /** The next (or nth) `operation` fails with `code` and does nothing. @default code 'EIO' */
  fail(operation: FsOperation, code = 'EIO', target?: FaultTarget): FaultHandle {
    return this.inject(operation, { kind: 'error', code }, target);
  }

  /** The next (or nth) write stores only its first `bytes` bytes, then fails with `code`. @default code 'ENOSPC' */
  shortWrite(bytes: number, code = 'ENOSPC', target?: FaultTarget): FaultHandle {
    return this.inject('write', { kind: 'short', bytes, code }, target);
  }

  /** The next (or nth) `operation` hangs until the handle's `release()`. */
  hang(operation: FsOperation, target?: FaultTarget): FaultHandle {
    return this.inject(operation, { kind: 'hang' }, target);
  }

  /**
   * Resolves once the next (or nth) matching call of `operation` has finished, whether it
   * succeeded or failed: a way to wait for the log to have done something, without a timer.
   */
  settled(operation: FsOperation, target: FaultTarget = {}): Promise<void> {
    return new Promise((resolve) => {
      this.#watchers.push({ operation, path: target.path, remaining: target.nth ?? 1, resolve });
    });
  }

  /**
   * Simulates power loss (see the class doc). Waits for calls already under way in the real file
   * system to finish first, so none lands after the crash.
   */
  async crash(options?: CrashOptions): Promise<void> {
    this.#epoch++;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.#tracker.crash(options);
  }

  /** Counts the call and fires the first armed fault it matches, if any. */
  #take(operation: FsOperation, path: string): ArmedFault | undefined {
    this.#counts[operation]++;
    for (const armed of this.#faults) {
      if (armed.operation !== operation || !matches(armed.path, path)) continue;
      if (--armed.remaining > 0) continue;
      armed.fired = true;
      this.#faults = this.#faults.filter((f) => f !== armed);
      armed.reach();
      return armed;
    }
    return undefined;
  }

  /** Runs one call of the port through the fault machinery. */
  async #run<T>(
    operation: FsOperation,
    path: string,
    epoch: number,
    body: (fault: Fault | undefined) => Promise<T>,
  ): Promise<T> {
    const done: (() => void)[] = [];
    for (const watcher of this.#watchers) {
      if (watcher.operation !== operation || !matches(watcher.path, path)) continue;
      if (--watcher.remaining === 0) done.push(watcher.resolve);
    }
    if (done.length > 0) this.#watchers = this.#watchers.filter((w) => w.remaining > 0);
    try {
      return await this.#runFaulted(operation, path, epoch, body);
    } finally {
      for (const resolve of done) resolve();
    }
  }

  async #runFaulted<T>(
    operation: FsOperation,
    path: string,
    epoch: number,
    body: (fault: Fault | undefined) => Promise<T>,
  ): Promise<T> {
    const armed = this.#take(operation, path);
    let fault = armed?.fault;
    if (fault?.kind === 'error') throw faultError(fault.code, operation, path);
    if (fault?.kind === 'hang') {
      await armed!.gate;
      fault = undefined;
    }
    if (epoch !== this.#epoch)
      throw faultError('EIO', operation, `${path} (the file system crashed)`);
    const work = body(fault);
    this.#inFlight.add(work);
    try {
      return await work;
    } finally {
      this.#inFlight.delete(work);
    }
  }

  openAppend(path: string): Promise<AppendFile> {
    const p = resolve(path);
    const epoch = this.#epoch;
    return this.#run('openAppend', p, epoch, async () => {
      const existed = (await this.#inner.size(p)) !== undefined;
      const file = await this.#inner.openAppend(p);
      if (existed) this.#tracker.seen(p, file.size);
      else this.#tracker.created(p);
      return new FaultyAppendFile(this.#handles, file, p, epoch);
    });
  }

  openRead(path: string): Promise<ReadFile> {
    const p = resolve(path);
    const epoch = this.#epoch;
    return this.#run('openRead', p, epoch, async () => {
      const file = await this.#inner.openRead(p);
      return new FaultyReadFile(this.#handles, file, p, epoch);
    });
  }

  writeExclusive(path: string, data: Uint8Array): Promise<void> {
    const p = resolve(path);
    return this.#run('writeExclusive', p, this.#epoch, async () => {
      await this.#inner.writeExclusive(p, data);
      this.#tracker.created(p);
    });
  }

  readFile(path: string): Promise<Uint8Array> {
    const p = resolve(path);
    return this.#run('readFile', p, this.#epoch, () => this.#inner.readFile(p));
  }

  readdir(dir: string): Promise<string[]> {
    const p = resolve(dir);
    return this.#run('readdir', p, this.#epoch, () => this.#inner.readdir(p));
  }

  mkdir(dir: string): Promise<void> {
    const p = resolve(dir);
    return this.#run('mkdir', p, this.#epoch, async () => {
      const created: string[] = [];
      for (let d = p; dirname(d) !== d && (await this.#inner.size(d)) === undefined; d = dirname(d))
        created.push(d);
      await this.#inner.mkdir(p);
      for (const d of created.reverse()) this.#tracker.madeDir(d);
    });
  }

  size(path: string): Promise<number | undefined> {
    const p = resolve(path);
    return this.#run('size', p, this.#epoch, () => this.#inner.size(p));
  }

  rename(from: string, to: string): Promise<void> {
    const f = resolve(from);
    const t = resolve(to);
    return this.#run('rename', f, this.#epoch, async () => {
      const replaced = await this.#tracker.durableContent(t);
      await this.#inner.rename(f, t);
      this.#tracker.renamed(f, t, replaced);
    });
  }

  unlink(path: string): Promise<void> {
    const p = resolve(path);
    return this.#run('unlink', p, this.#epoch, async () => {
      const content = await this.#tracker.durableContent(p);
      await this.#inner.unlink(p);
      if (content !== null) this.#tracker.unlinked(p, content);
    });
  }

  truncate(path: string, length: number): Promise<void> {
    const p = resolve(path);
    return this.#run('truncate', p, this.#epoch, async () => {
      await this.#inner.truncate(p, length);
      this.#tracker.truncated(p, length);
    });
  }

  syncDir(dir: string): Promise<void> {
    const p = resolve(dir);
    return this.#run('syncDir', p, this.#epoch, async () => {
      await this.#inner.syncDir(p);
      this.#tracker.dirSynced(p);
    });
  }
}

/**
 * What both faulty handles share: the wrapped handle, its path and epoch, its size, and a close
 * that releases the descriptor even when the file system has crashed or the close fails.
 */
abstract class FaultyHandle<File extends { readonly size: number; close(): Promise<void> }> {
  protected readonly fs: HandleContext;
  protected readonly file: File;
  protected readonly path: string;
  protected readonly epoch: number;

  constructor(fs: HandleContext, file: File, path: string, epoch: number) {
    this.fs = fs;
    this.file = file;
    this.path = path;
    this.epoch = epoch;
  }

  get size(): number {
    return this.file.size;
  }

  close(): Promise<void> {
    // A handle of a crashed file system still releases its descriptor.
    return this.fs
      .run('close', this.path, this.epoch, () => this.file.close())
      .catch((error: unknown) => {
        return this.file.close().then(
          () => Promise.reject(error),
          () => Promise.reject(error),
        );
      });
  }
}

class FaultyAppendFile extends FaultyHandle<AppendFile> implements AppendFile {
  write(chunks: readonly Uint8Array[]): Promise<void> {
    return this.fs.run('write', this.path, this.epoch, async (fault) => {
      if (fault?.kind === 'short') {
        await this.file.write(prefix(chunks, fault.bytes));
        throw faultError(fault.code, 'write', this.path);
      }
      await this.file.write(chunks);
    });
  }

  datasync(): Promise<void> {
    return this.fs.run('datasync', this.path, this.epoch, async () => {
      const length = this.file.size;
      await this.file.datasync();
      this.fs.noteSynced(this.path, length);
    });
  }
}

class FaultyReadFile extends FaultyHandle<ReadFile> implements ReadFile {
  read(buffer: Uint8Array, position: number): Promise<number> {
    return this.fs.run('read', this.path, this.epoch, () => this.file.read(buffer, position));
  }
}
