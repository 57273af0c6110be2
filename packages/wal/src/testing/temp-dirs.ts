import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Fresh folders under the OS temp folder for tests, removed together: `make()` one per test
 * (or per log), `cleanup()` in `afterEach`/`afterAll`. Real folders on the real disk, so a test
 * fsyncs and reopens what a user would.
 */
export class TempDirs {
  readonly #dirs: string[] = [];

  /** A fresh empty folder under the OS temp folder, its name starting with `prefix`. */
  async make(prefix = 'hermes-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }

  /** Removes every folder made so far (and what is in them). */
  async cleanup(): Promise<void> {
    const dirs = this.#dirs.splice(0);
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
