import { WalPathError } from '../errors.js';
import type { FileSystem } from '../types.js';

/**
 * Refuses a log directory that is not there (`WAL_BAD_DIRECTORY`), rather than creating a lock
 * in a new one; `what` names the command's verb in the message ("salvage", "back up").
 */
export async function mustExist(fs: FileSystem, dir: string, what: string): Promise<void> {
  try {
    await fs.readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    throw new WalPathError(
      'WAL_BAD_DIRECTORY',
      dir,
      `The log directory ${dir} does not exist (or is not a directory): there is nothing to ` +
        `${what}. Pass the directory the log is in (the --data-dir of the service).`,
      { cause: error },
    );
  }
}
