import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = path.resolve(path.dirname(MAIN), '../../..');
/** tsx's loader by absolute URL, so that the child may run in any working directory. */
const TSX = pathToFileURL(
  path.join(path.dirname(createRequire(MAIN).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;

/** A service running as a child process. */
export interface ChildService {
  readonly child: ChildProcess;
  /** The start-up line it printed. */
  readonly line: string;
  /** Its URL, read from that line. */
  readonly url: string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  readonly exited: Promise<number | string>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/**
 * Starts `src/main.ts` with `args` as the issue says (`node --conditions=@hermes/source --import
 * tsx src/main.ts ...`), without waiting for it to listen.
 */
export function spawnService(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const child = spawn(
    process.execPath,
    ['--conditions=@hermes/source', '--import', TSX, MAIN, ...args],
    {
      cwd: options.cwd ?? ROOT,
      env: { ...inherited(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Starts the service and waits (up to `timeoutMs`) for its start-up line. */
export async function startChild(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ChildService> {
  const spawned = spawnService(args, options);
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      spawned.child.kill('SIGKILL');
      reject(
        new Error(
          `no start-up line within ${options.timeoutMs ?? 30_000} ms; stderr: ${spawned.stderr()}`,
        ),
      );
    }, options.timeoutMs ?? 30_000);
    const check = (): void => {
      const found = spawned
        .stdout()
        .split('\n')
        .find((l) => l.startsWith('hermes listening on '));
      if (found !== undefined && spawned.stdout().includes('\n')) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    spawned.child.stdout.on('data', check);
    void spawned.exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`the service exited (${code}) before listening; stderr: ${spawned.stderr()}`),
      );
    });
  });
  const url = /http:\/\/\S+/.exec(line)?.[0];
  if (url === undefined) throw new Error(`no URL in the start-up line: ${line}`);
  return { child: spawned.child, line, url, exited: spawned.exited, stderr: spawned.stderr };
}

/** The test's environment without what a package script sets (the child is not run by one). */
function inherited(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === 'INIT_CWD' || name.startsWith('npm_') || name.startsWith('HERMES_'))
      delete env[name];
  }
  return env;
}

/** The peak resident memory (VmHWM) of process `pid`, in bytes, from /proc (Linux). */
export async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

/**
 * Resets the peak resident memory of process `pid` (our own child) to its current resident
 * memory, so that {@link peakRss} measures one phase of a test (`echo 5 > /proc/pid/clear_refs`,
 * Linux 4.0+). Returns the new peak.
 */
export async function resetPeakRss(pid: number): Promise<number> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
  return peakRss(pid);
}
