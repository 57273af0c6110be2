import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Makes temp dirs and removes them all at once (call `cleanup` in `afterAll`/`afterEach`). */
export class TempDirs {
  readonly #dirs: string[] = [];

  /** A fresh empty directory under the OS temp dir. */
  async make(prefix = 'hermes-wal-store-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }

  /** Removes every directory made so far. */
  async cleanup(): Promise<void> {
    const dirs = this.#dirs.splice(0);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** UTF-8 bytes of `text`. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `bytes` as UTF-8 text, or `undefined`. */
export function text(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : new TextDecoder().decode(value);
}
