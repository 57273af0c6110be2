import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

it('no README code block runs a bare `pnpm` (a new user has only Node and npm: issue 16 item 8)', () => {
  const readmes = execFileSync('git', ['ls-files', 'README.md', '*/README.md'], { cwd: ROOT })
    .toString()
    .split('\n')
    .filter(Boolean);
  expect(readmes.length).toBeGreaterThan(5);
  const bare: string[] = [];
  for (const file of readmes) {
    let fence = false;
    readFileSync(path.join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim().startsWith('```')) fence = !fence;
        else if (fence && /^\s*pnpm\s/.test(line)) bare.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(bare, 'write npx --yes pnpm@10.34.8 ... (or npm install for a consumer)').toEqual([]);
});

it('quick start 1 runs the service under node, so Ctrl-C stops it with exit 0 and no error noise (issue 16 item 6)', async () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const line = readme
    .split('\n')
    .find((l) => l.startsWith('npx --yes pnpm@10.34.8 install && ') && !l.endsWith(' test'));
  expect(line, 'quick start 1 in the root README').toBeDefined();
  // What runs after the install, as written, from the repository root: `pnpm start` would wrap
  // it in a script runner that reports any Ctrl-C as a failure (ELIFECYCLE, exit 130).
  const [command, ...args] = line!.slice(line!.indexOf('&& ') + 3).split(' ');
  expect(command).toBe('node');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hermes-quickstart-'));
  try {
    const child = spawn(command!, [...args, '--port', '0', '--data-dir', dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (/http:\/\/127\.0\.0\.1:\d+/.test(stdout)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The service says it is stopping, and nothing else: no error, no stack, no runner noise.
    expect(stderr).toMatch(/^hermes: SIGINT, shutting down/);
    expect(stderr).not.toMatch(/ELIFECYCLE|error|failed|\n\s+at /i);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
