import { WalPathError } from '../errors.js';

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/**
 * Turns the file-system error of an operation on the log directory `dir` into a typed
 * `WAL_BAD_DIRECTORY` where it says the path cannot be a log directory (a file in the way, no
 * permission); rethrows anything else (`EIO`, ...) as it is.
 */
export function directoryError(dir: string, error: unknown, doing: 'create' | 'read'): unknown {
  const code = errno(error);
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new WalPathError(
      'WAL_BAD_DIRECTORY',
      dir,
      `The log directory ${dir} is not a directory: a file is in its place or in its path. ` +
        'Pass the path of a directory (it is created if missing), or move the file away.',
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new WalPathError(
      'WAL_BAD_DIRECTORY',
      dir,
      `The log directory ${dir} cannot be ${doing === 'create' ? 'created or written' : 'read'} by this process (${code}). ` +
        'Give the user it runs as read, write and search permission on it and its parents.',
      { cause: error },
    );
  }
  return error;
}

/** `WAL_BAD_DIRECTORY` for a directory found under the name of a log file (`path`). */
export function notAFileError(path: string, what: string, cause: unknown): WalPathError {
  return new WalPathError(
    'WAL_BAD_DIRECTORY',
    path,
    `${path} is a directory, where the log keeps ${what}. The log did not make it: move it out ` +
      'of the log directory, then open the log again.',
    { cause },
  );
}

/** Whether `error` says the path is a directory (`EISDIR`). */
export function isDirectoryError(error: unknown): boolean {
  return errno(error) === 'EISDIR';
}
