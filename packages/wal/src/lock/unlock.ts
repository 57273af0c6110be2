import { join } from 'node:path';
import { WalError } from '../errors.js';
import { LOCK_FILE } from '../layout.js';
import type { FileSystem } from '../types.js';
import { ownerIsAlive, TAKEOVER_FILE, takeOver } from './directory-lock.js';
import { findAcrossNamespaces } from './namespace.js';
import { assessOwner, describeOwner, type HolderState, parseOwner } from './owner.js';

/** What {@link unlockDirectory} checked and did. */
export interface UnlockOutcome {
  /** Whether a `LOCK` was removed. */
  readonly removed: boolean;
  /** What was checked, one sentence each, for a person. */
  readonly checked: readonly string[];
}

/**
 * Breaks a stale `LOCK` of `dir` by hand (`hermes-wal unlock`): removes it if its holder is
 * gone (no such process, a zombie, a reused pid, or a pid namespace of this machine in which no
 * such process runs, checked from the initial pid namespace), or, with `force`, if its holder
 * cannot be checked from here (another host, another boot, a namespace this process cannot see).
 * @throws WalError `WAL_LOCKED` while the holder is alive where this process can see it (even
 *   with `force`), or when it cannot be checked and `force` is not set.
 */
export async function unlockDirectory(
  fs: FileSystem,
  dir: string,
  force: boolean,
): Promise<UnlockOutcome> {
  const lockPath = join(dir, LOCK_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fs.unlink(join(dir, TAKEOVER_FILE));
    return { removed: false, checked: [`${lockPath} does not exist: nothing to unlock`] };
  }
  const owner = parseOwner(bytes);
  const checked: string[] = [];
  if (owner === null) {
    checked.push(`${lockPath} names no holder (torn by a crash while it was written)`);
  } else {
    checked.push(`${lockPath} names ${describeOwner(owner)}`);
    let state: HolderState = assessOwner(owner);
    if (state.kind === 'foreign') {
      checked.push(`it cannot be checked directly: ${state.why}`);
      state = findAcrossNamespaces(owner) ?? state;
    }
    if (state.kind === 'self' && ownerIsAlive(owner)) state = { kind: 'alive' };
    if (state.kind === 'alive' || state.kind === 'self') {
      throw new WalError(
        'WAL_LOCKED',
        `${checked.join('; ')}; ${state.kind === 'alive' && state.why !== undefined ? state.why : 'that process is alive'}. ` +
          'Not unlocked: stop that process (it closes the log and removes the LOCK itself).',
      );
    }
    if (state.kind === 'dead') checked.push(`the holder is gone: ${state.why}`);
    else if (!force) {
      throw new WalError(
        'WAL_LOCKED',
        `${checked.join('; ')}. Not unlocked: make sure no process on host ${owner.host} (in any ` +
          `container) has this log open, then run \`hermes-wal unlock --force ${dir}\`.`,
      );
    } else checked.push('--force: removed without proof that the holder is gone');
  }
  await takeOver(fs, dir, bytes);
  await fs.syncDir(dir);
  return { removed: true, checked };
}
