import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Whether this process runs the TypeScript sources (through tsx) rather than `dist`. */
export const FROM_SOURCE: boolean = import.meta.url.endsWith('.ts');

/**
 * Path of one of the bench's child scripts (`src/children/<name>.ts` from source,
 * `dist/children/<name>.js` from a build).
 */
export function childScript(name: string): string {
  return fileURLToPath(
    new URL(`../children/${name}.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url),
  );
}

/**
 * Node flags a child needs to run the same way as this process (the `@hermes/source` condition
 * and the tsx loader when running from source), plus `extra`.
 */
export function nodeArgs(extra: readonly string[] = []): string[] {
  const inherited: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--conditions') || a.startsWith('-C')) {
      inherited.push(a);
      if (!a.includes('=') && argv[i + 1]) inherited.push(argv[++i]!);
    } else if (a === '--import' || a === '--loader') {
      inherited.push(a, argv[++i]!);
    } else if (a.startsWith('--import=') || a.startsWith('--loader=')) {
      inherited.push(a);
    }
  }
  return [...inherited, ...extra];
}

/** Collects a child's stdout and resolves it when the child exits 0; rejects with its stderr otherwise. */
export function outputOf(child: ChildProcess, what: string): Promise<string> {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${what} exited with ${signal ?? code}: ${err.trim().slice(-2000)}`));
    });
  });
}
