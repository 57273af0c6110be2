import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
