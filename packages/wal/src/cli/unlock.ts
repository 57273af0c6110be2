import { nodeFileSystem } from '../fs/node-fs.js';
import { unlockDirectory } from '../lock/unlock.js';
import type { FileSystem } from '../types.js';
import { type CliIo, Exit } from './io.js';

/** Help text of `hermes-wal unlock`. */
export const UNLOCK_HELP = `Usage: hermes-wal unlock <dir> [--force]

Removes the directory's LOCK when the process it names is gone, and prints what it checked:
the holder's pid, host, pid namespace and boot; whether that process runs (a zombie, or a pid
now running another process, counts as gone); for a holder in another pid namespace (a
container), whether any process of this machine is that holder (seen from the host's initial
pid namespace only). Opening the log never takes over a LOCK taken in another pid namespace,
boot or host, because it cannot check it: this command is how a person does, once sure.

It refuses (exit 2) while the holder is alive where it can see it, even with --force. A holder
it cannot check (another host, another boot, a container namespace it cannot see) is removed
only with --force: first make sure that no process anywhere has the log open.

Exit status: 0 unlocked or nothing to unlock, 2 refused or failed, 64 usage.
`;

/** Runs `unlock` on `dir`; resolves the exit status. */
export async function unlock(
  dir: string,
  force: boolean,
  io: CliIo,
  fs: FileSystem = nodeFileSystem,
): Promise<number> {
  const outcome = await unlockDirectory(fs, dir, force);
  const lines = outcome.checked.map((line) => `checked: ${line}`);
  lines.push(outcome.removed ? `unlocked ${dir}` : 'nothing to unlock');
  await io.out(`${lines.join('\n')}\n`);
  return Exit.ok;
}
