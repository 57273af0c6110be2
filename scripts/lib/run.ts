import { spawn } from 'node:child_process';
import path from 'node:path';

/** What a finished command printed. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Resolve instead of rejecting on a non-zero exit. @default false */
  readonly allowFailure?: boolean;
}

/**
 * Runs `command args` (no shell) and collects its output.
 * @throws Error with the command, exit code and output when it exits non-zero (unless
 *   `allowFailure`), or when it cannot start.
 */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? 128,
      };
      if (result.code === 0 || options.allowFailure) return resolve(result);
      reject(
        new Error(
          `${[command, ...args].join(' ')} (in ${options.cwd}) exited ${code ?? signal}\n${result.stdout}\n${result.stderr}`,
        ),
      );
    });
  });
}

/**
 * How to call pnpm: the very pnpm running the current script (`npm_execpath`, so CI needs no
 * global pnpm), else `pnpm` from the PATH.
 */
export function pnpmCommand(): [command: string, prefix: string[]] {
  const { npm_execpath: exec } = process.env;
  if (exec && path.basename(exec).startsWith('pnpm')) {
    return /\.[cm]?js$/.test(exec) ? [process.execPath, [exec]] : [exec, []];
  }
  return ['pnpm', []];
}

/** Runs pnpm with `args`; see {@link pnpmCommand}. */
export function runPnpm(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const [command, prefix] = pnpmCommand();
  return run(command, [...prefix, ...args], options);
}
