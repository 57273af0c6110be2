import { rm } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import type { FileSystem } from '../types.js';

/** A directory change not yet made durable by `syncDir` of its directory. */
type DirChange =
  | { readonly kind: 'create'; readonly path: string }
  | { readonly kind: 'mkdir'; readonly path: string }
  | { readonly kind: 'unlink'; readonly path: string; readonly content: Uint8Array }
  | {
      readonly kind: 'rename';
      readonly from: string;
      readonly to: string;
      readonly replaced: Uint8Array | null;
    };

/** How a crash treats bytes written but not fsynced. */
export interface CrashOptions {
  /**
   * Keep a random prefix of each file's unsynced bytes (a torn write) instead of dropping them
   * all. Uses `random` (default `Math.random`).
   * @default false
   */
  readonly keepRandomPrefix?: boolean;
  /** Source of randomness in [0, 1), for reproducible crashes. @default Math.random */
  readonly random?: () => number;
}

/**
 * Tracks what a real disk would still hold after power loss: per file, the length covered by the
 * last fsync; per directory, the creations, renames and removals since its last `syncDir`.
 * Files it has never seen are taken as fully durable.
 */
export class DurabilityTracker {
  /** Synced length of files written through the port. */
  readonly #synced = new Map<string, number>();
  readonly #pending = new Map<string, DirChange[]>();
  readonly #inner: FileSystem;

  constructor(inner: FileSystem) {
    this.#inner = inner;
  }

  #change(dir: string, change: DirChange): void {
    const list = this.#pending.get(dir);
    if (list === undefined) this.#pending.set(dir, [change]);
    else list.push(change);
  }

  /** Notes a file seen (opened) with `size` bytes: unknown files count as durable as they are. */
  seen(path: string, size: number): void {
    if (!this.#synced.has(path)) this.#synced.set(path, size);
  }

  /** Notes a file created empty or with unsynced data. */
  created(path: string): void {
    this.#synced.set(path, 0);
    this.#change(dirname(path), { kind: 'create', path });
  }

  /** Notes a directory created (its entry in its parent is durable only after `syncDir` there). */
  madeDir(path: string): void {
    this.#change(dirname(path), { kind: 'mkdir', path });
  }

  /** Notes that an fsync made the first `length` bytes of `path` durable. */
  synced(path: string, length: number): void {
    if (length > (this.#synced.get(path) ?? 0)) this.#synced.set(path, length);
  }

  /** Notes a truncation (fsynced by the port): durable length is now exactly `length`. */
  truncated(path: string, length: number): void {
    this.#synced.set(path, length);
  }

  /** The durable bytes of `path` now (read before a rename replaces it or an unlink removes it). */
  async durableContent(path: string): Promise<Uint8Array | null> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#inner.readFile(path);
    } catch {
      return null;
    }
    const synced = this.#synced.get(path);
    return synced === undefined ? bytes : bytes.subarray(0, Math.min(synced, bytes.length));
  }

  /** Notes a removal, with the durable content to put back if it is undone. */
  unlinked(path: string, content: Uint8Array): void {
    this.#change(dirname(path), { kind: 'unlink', path, content });
    this.#synced.delete(path);
  }

  /** Notes a rename (replacing `replaced`, the old durable content of `to`, if any). */
  renamed(from: string, to: string, replaced: Uint8Array | null): void {
    const synced = this.#synced.get(from);
    this.#synced.delete(from);
    if (synced === undefined) this.#synced.delete(to);
    else this.#synced.set(to, synced);
    this.#change(dirname(to), { kind: 'rename', from, to, replaced });
  }

  /** Notes an fsync of `dir`: its pending changes are durable. */
  dirSynced(dir: string): void {
    this.#pending.delete(dir);
  }

  /**
   * Puts the files back as a disk would hold them after power loss: undoes directory changes not
   * dir-synced (newest first), removes directories whose creation was not dir-synced (with all
   * they hold, through `node:fs`, since the port has no `rmdir`), then cuts every file to its
   * synced length (or a random prefix of its unsynced bytes).
   */
  async crash(options: CrashOptions = {}): Promise<void> {
    const inner = this.#inner;
    const pending = [...this.#pending.values()].flat();
    this.#pending.clear();
    const lostDirs = pending.flatMap((c) => (c.kind === 'mkdir' ? [c.path] : []));
    const lost = (path: string): boolean =>
      lostDirs.some((d) => path === d || path.startsWith(d + sep));
    for (const change of pending.reverse()) {
      if (change.kind === 'mkdir') continue;
      if (lost(change.kind === 'rename' ? change.to : change.path)) continue; // goes with its dir
      if (change.kind === 'create') {
        await inner.unlink(change.path);
        this.#synced.delete(change.path);
      } else if (change.kind === 'unlink') {
        await inner.unlink(change.path);
        await inner.writeExclusive(change.path, change.content);
        this.#synced.set(change.path, change.content.length);
      } else {
        const synced = this.#synced.get(change.to);
        if ((await inner.size(change.to)) !== undefined) await inner.rename(change.to, change.from);
        this.#synced.delete(change.to);
        if (synced !== undefined) this.#synced.set(change.from, synced);
        if (change.replaced !== null) {
          await inner.writeExclusive(change.to, change.replaced);
          this.#synced.set(change.to, change.replaced.length);
        }
      }
    }
    for (const d of lostDirs) await rm(d, { recursive: true, force: true });
    for (const path of [...this.#synced.keys()]) if (lost(path)) this.#synced.delete(path);
    const random = options.random ?? Math.random;
    for (const [path, synced] of this.#synced) {
      const size = await inner.size(path);
      if (size === undefined || size <= synced) continue;
      const keep = options.keepRandomPrefix
        ? synced + Math.floor(random() * (size - synced + 1))
        : synced;
      if (keep < size) await inner.truncate(path, keep);
      this.#synced.set(path, keep);
    }
  }
}
