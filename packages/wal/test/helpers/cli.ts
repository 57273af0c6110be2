import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The command's source entry point. */
export const CLI: string = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const cli = CLI;

/** What one run of the command printed and its exit status. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `hermes-wal ...args` from the sources in a child process. */
export function hermesWal(...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--conditions=@hermes/source', '--import', 'tsx', cli, ...args],
      { encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : (error as { code?: unknown }).code;
        if (typeof code !== 'number') return reject(error);
        resolve({ code, stdout, stderr });
      },
    );
  });
}
