import { dirname, resolve } from 'node:path';
import type { FileSystem } from '../types.js';
import { directoryError } from './dir-errors.js';

/**
 * Creates the log directory `dir` and its missing parents durably: after `mkdir`, fsyncs every
 * directory it created, from `dir` up, and then the first one that already existed, which holds
 * the entry of the topmost new one. Without that, a power loss on a first run can lose the
 * whole data folder with writes that were acknowledged. Does nothing more if `dir` exists.
 * @throws WalPathError `WAL_BAD_DIRECTORY` if a file is in the way or permission is missing.
 */
export async function makeLogDir(fs: FileSystem, dir: string): Promise<void> {
  const created: string[] = [];
  try {
    for (let d = resolve(dir); (await fs.size(d)) === undefined; d = dirname(d)) {
      created.push(d);
      if (dirname(d) === d) break;
    }
    await fs.mkdir(dir);
  } catch (error) {
    throw directoryError(dir, error, 'create');
  }
  for (const d of created) await fs.syncDir(d);
  const top = created.at(-1);
  if (top !== undefined && dirname(top) !== top) await fs.syncDir(dirname(top));
}
