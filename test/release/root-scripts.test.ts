import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

it('`pnpm hermes-wal` runs the log tool from the repository root (issue 16 item 7)', async () => {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  const script: string = pkg.scripts['hermes-wal'];
  expect(script).toBe('node packages/wal/dist/cli.js');
  const { version } = JSON.parse(
    await readFile(path.join(ROOT, 'packages/wal/package.json'), 'utf8'),
  );
  const [command, ...args] = script.split(' ');
  const { stdout } = await run(
    command === 'node' ? process.execPath : command!,
    [...args, '--version'],
    {
      cwd: ROOT,
    },
  );
  expect(stdout).toBe(`hermes-wal ${version}\n`);
});
