import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The run's temporary folder and the child processes it started. Everything is removed or
 * killed when the run ends, also on SIGINT, SIGTERM or an uncaught error, so an interrupted run
 * leaves nothing behind.
 */
export class Workdir {
  /** Absolute path of the folder (`<base>/.tmp-<pid>`). */
  readonly root: string;
  readonly #children = new Set<ChildProcess>();
  #counter = 0;
  #disposed = false;
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.disposeSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  /** Creates `<base>/.tmp-<pid>` and installs the signal handlers. */
  constructor(base: string) {
    this.root = join(base, `.tmp-${process.pid}`);
    mkdirSync(this.root, { recursive: true });
    process.on('SIGINT', this.#onSignal);
    process.on('SIGTERM', this.#onSignal);
  }

  /** A fresh, empty folder inside the run's folder. */
  async dir(name: string): Promise<string> {
    const path = join(this.root, `${String(this.#counter++).padStart(3, '0')}-${name}`);
    await rm(path, { recursive: true, force: true });
    await mkdir(path, { recursive: true });
    return path;
  }

  /** Removes a folder made by {@link dir} once a scenario is done with it. */
  async remove(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  /** Spawns a child process that is killed if the run ends before it does. */
  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** Kills the children still running and removes the folder. Idempotent. */
  disposeSync(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const child of this.#children) child.kill('SIGKILL');
    this.#children.clear();
    rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
  }
}
