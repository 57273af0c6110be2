import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh root folder under the OS temp dir; `next()` names a new database folder in it. */
export interface TempRoot {
  readonly root: string;
  next(): string;
  remove(): void;
}

/** Makes a {@link TempRoot} whose folders are real files on disk, removed by `remove()`. */
export function tempRoot(prefix: string): TempRoot {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    root,
    next: () => join(root, `db-${n++}`),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
