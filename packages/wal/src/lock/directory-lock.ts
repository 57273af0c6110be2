import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WalError } from '../errors.js';
import { directoryError, isDirectoryError, notAFileError } from '../fs/dir-errors.js';
import { LOCK_FILE } from '../layout.js';
import type { FileSystem } from '../types.js';
import {
  assessOwner,
  currentOwner,
  describeOwner,
  encodeOwner,
  type HolderState,
  type LockOwner,
  parseOwner,
} from './owner.js';

export { processStartTime } from './identity.js';
export { assessOwner, describeOwner, type HolderState, type LockOwner } from './owner.js';

/** A held directory lock. */
export interface DirectoryLock {
  /**
   * Removes the `LOCK` file (unless it now names another holder) and forgets the directory. Safe
   * to call more than once.
   */
  release(): Promise<void>;
}

/** File name of the short-lived file that serialises takeovers of a stale `LOCK`. */
export const TAKEOVER_FILE: string = `${LOCK_FILE}.takeover`;
const REGISTRY_KEY = Symbol.for('@hermes/wal.lock-registry.v2');

/**
 * What this process holds, shared by every copy of this module that is loaded: the real paths
 * of the directories it holds, and the tokens of its live holds and takeovers in progress (a
 * `LOCK` naming this process with one of them is held, whatever path it was reached by).
 */
interface Registry {
  readonly dirs: Set<string>;
  readonly tokens: Set<string>;
}

function registry(): Registry {
  const slot = globalThis as { [REGISTRY_KEY]?: Registry };
  slot[REGISTRY_KEY] ??= { dirs: new Set(), tokens: new Set() };
  return slot[REGISTRY_KEY];
}

/** The directory's real path (symlinks resolved), so one directory has one key. */
function directoryKey(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/** Whether `owner` holds its `LOCK` now, judged from this process. */
export function ownerIsAlive(owner: LockOwner): boolean {
  const state = assessOwner(owner);
  if (state.kind === 'self') return owner.token === null || registry().tokens.has(owner.token);
  return state.kind !== 'dead';
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** The `WAL_LOCKED` error for `dir` held by `owner` (judged `state`), saying what to do. */
export function lockedError(dir: string, owner: LockOwner | null, state?: HolderState): WalError {
  if (owner === null || state?.kind === 'self') {
    return new WalError(
      'WAL_LOCKED',
      `The log directory ${dir} is held by this process (another Wal opened it, perhaps through a ` +
        'symlink or another mount of the same directory). Close that Wal first.',
    );
  }
  if (state?.kind === 'foreign') {
    return new WalError(
      'WAL_LOCKED',
      `The log directory ${dir} is held by ${describeOwner(owner)}, which this process cannot ` +
        `check: ${state.why}. It is never taken over on a guess. If that process is certainly ` +
        `gone, run \`hermes-wal unlock ${dir}\`, which says what it checked.`,
    );
  }
  return new WalError(
    'WAL_LOCKED',
    `The log directory ${dir} is held by ${describeOwner(owner)}, which is alive. Close it, or ` +
      'wait for that process to exit.',
  );
}

async function readLockFile(fs: FileSystem, path: string): Promise<Uint8Array | 'missing'> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (code(error) === 'ENOENT') return 'missing';
    if (isDirectoryError(error))
      throw notAFileError(path, 'the file that says who holds it', error);
    throw error;
  }
}

/**
 * Checks, without taking it, that the `LOCK` of `dir` could be taken: throws what opening would
 * for a `LOCK` that is a directory (`WAL_BAD_DIRECTORY`). For `verify`.
 */
export async function checkLockFile(fs: FileSystem, dir: string): Promise<void> {
  try {
    await readLockFile(fs, join(dir, LOCK_FILE));
  } catch (error) {
    if (error instanceof WalError) throw error;
  }
}

/** Throws `WAL_LOCKED` unless the `LOCK` bytes `bytes` name a holder that is gone (or none). */
function refuseUnlessStale(dir: string, bytes: Uint8Array): void {
  const owner = parseOwner(bytes);
  if (owner === null) return; // unreadable: created whole (see writeExclusive), so only a crash can leave it so
  const state = assessOwner(owner);
  if (state.kind === 'dead') return;
  if (state.kind === 'self' && owner.token !== null && !registry().tokens.has(owner.token)) return;
  if (state.kind === 'self' && owner.token === null) return; // an older version's leftover
  throw lockedError(dir, owner, state);
}

/**
 * Removes the `LOCK` whose bytes were `stale`, under a second, short-lived `LOCK.takeover`
 * file, so that two openers racing to take over the same stale lock cannot both succeed (and a
 * `LOCK` rewritten meanwhile is left alone). Resolves once it is gone or changed.
 * @throws WalError `WAL_LOCKED` if a live takeover is in progress.
 */
export async function takeOver(fs: FileSystem, dir: string, stale: Uint8Array): Promise<void> {
  const takeoverPath = join(dir, TAKEOVER_FILE);
  const me = currentOwner();
  const { tokens } = registry();
  tokens.add(me.token!);
  try {
    try {
      await fs.writeExclusive(takeoverPath, encodeOwner(me));
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
      const other = await readLockFile(fs, takeoverPath);
      if (other !== 'missing') refuseUnlessStale(dir, other);
      // A takeover interrupted by the death of its process: clear it and let the caller retry.
      await fs.unlink(takeoverPath);
      return;
    }
    try {
      const lockPath = join(dir, LOCK_FILE);
      const current = await readLockFile(fs, lockPath);
      if (current !== 'missing' && Buffer.from(current).equals(stale)) await fs.unlink(lockPath);
    } finally {
      await fs.unlink(takeoverPath);
    }
  } finally {
    tokens.delete(me.token!);
  }
}

/**
 * Takes the directory's `LOCK`: fails at once with `WAL_LOCKED` if this process (through any
 * path to the directory) or another live process holds it, or if its holder ran in another pid
 * namespace, boot or host (it cannot be checked from here, so it is never taken over; see
 * `hermes-wal unlock`). Takes over a lock whose process is gone: no such pid, a zombie, or a
 * pid that now runs a different process (told apart by its start time in `/proc`).
 */
export async function acquireLock(fs: FileSystem, dir: string): Promise<DirectoryLock> {
  const key = directoryKey(dir);
  const { dirs, tokens } = registry();
  if (dirs.has(key)) throw lockedError(dir, null);
  dirs.add(key);
  const lockPath = join(dir, LOCK_FILE);
  const me = currentOwner();
  const token = me.token!;
  tokens.add(token);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.writeExclusive(lockPath, encodeOwner(me));
        break;
      } catch (error) {
        if (code(error) !== 'EEXIST') throw directoryError(dir, error, 'create');
        if (attempt >= 5) throw error;
      }
      const bytes = await readLockFile(fs, lockPath);
      if (bytes === 'missing') continue;
      refuseUnlessStale(dir, bytes);
      await takeOver(fs, dir, bytes);
    }
  } catch (error) {
    dirs.delete(key);
    tokens.delete(token);
    throw error;
  }
  let released = false;
  return {
    async release(): Promise<void> {
      if (released) return;
      released = true;
      try {
        // A LOCK that is no longer ours (broken by `hermes-wal unlock --force`, then taken by
        // another opener) is left to its holder.
        const current = await readLockFile(fs, lockPath).catch(() => null);
        if (current === 'missing') return;
        if (current !== null && parseOwner(current)?.token !== token) return;
        await fs.unlink(lockPath);
      } finally {
        dirs.delete(key);
        tokens.delete(token);
      }
    },
  };
}
