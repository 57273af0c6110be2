import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const holder = fileURLToPath(new URL('../fixtures/lock-holder.ts', import.meta.url));
const opener = fileURLToPath(new URL('../fixtures/open-once.ts', import.meta.url));
const node = [process.execPath, '--conditions=@hermes/source', '--import', 'tsx'];
const NEW_PID_NAMESPACE = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL'];

/** How a lock holder is started. */
export type HolderKind =
  /** A child of the test process. */
  | 'child'
  /** In a new pid namespace, where it is pid 1 (`unshare`, as root). */
  | 'namespace'
  /** A grandchild whose parent never reaps it: once killed, it stays a zombie. */
  | 'unreaped';

/** A started lock holder: `pid` is its pid here, `process` the process the test spawned. */
export interface Holder {
  readonly pid: number;
  readonly process: ChildProcess;
}

/**
 * Whether this machine lets a test start a process in a new pid namespace; otherwise why not.
 * Under `CI=true` with `unshare` installed, a refusal is an error: those tests must run there.
 */
export function pidNamespaces(): { readonly ok: boolean; readonly why: string } {
  const ran = spawnSync(NEW_PID_NAMESPACE[0]!, [...NEW_PID_NAMESPACE.slice(1), 'true']);
  if (ran.status === 0) return { ok: true, why: '' };
  const why = ran.error !== undefined ? String(ran.error) : String(ran.stderr).trim();
  if (process.env['CI'] === 'true' && ran.error === undefined) {
    throw new Error(`unshare is installed but cannot make a pid namespace under CI: ${why}`);
  }
  return { ok: false, why };
}

/** Starts lock holders on demand and SIGKILLs whatever is left of them in {@link cleanup}. */
export class Holders {
  readonly #spawned: ChildProcess[] = [];
  readonly #pids: number[] = [];

  /** Starts a process that opens the log in `dir` and holds it; resolves once it says so. */
  async start(dir: string, kind: HolderKind = 'child'): Promise<Holder> {
    const args = [...node, holder, dir];
    const child =
      kind === 'child'
        ? spawn(args[0]!, args.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] })
        : kind === 'namespace'
          ? spawn(NEW_PID_NAMESPACE[0]!, [...NEW_PID_NAMESPACE.slice(1), ...args], {
              stdio: ['pipe', 'pipe', 'inherit'],
            })
          : spawn(
              'sh',
              [
                '-c',
                'exec 3<&0; "$@" <&3 3<&- & echo "pid $!"; exec sleep 600 >/dev/null',
                'sh',
                ...args,
              ],
              { stdio: ['pipe', 'pipe', 'inherit'] },
            );
    this.#spawned.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`lock holder exited early (${code}): ${out}`)));
    });
    const pid = kind === 'unreaped' ? Number(/pid (\d+)/.exec(out)?.[1]) : child.pid!;
    if (kind === 'unreaped') this.#pids.push(pid);
    return { pid, process: child };
  }

  /** SIGKILLs every holder still running, and the parents that kept zombies. */
  async cleanup(): Promise<void> {
    for (const pid of this.#pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    for (const child of this.#spawned.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
  }
}

/** The state letter of process `pid` in `/proc/<pid>/stat`, or `gone`. */
export function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return 'gone';
  }
}

/** Resolves once `test()` holds, checking on every turn of the event loop; rejects after `ms`. */
export async function until(test: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Runs the open-once fixture on `dir` (in a new pid namespace if asked); resolves its line. */
export function openOnce(dir: string, inNamespace: boolean): Promise<string> {
  const args = [...node, opener, dir];
  const [file, ...rest] = inNamespace ? [...NEW_PID_NAMESPACE, ...args] : args;
  return new Promise((resolve, reject) => {
    execFile(file!, rest, { encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim()),
    );
  });
}
