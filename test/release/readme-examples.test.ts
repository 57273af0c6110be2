import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
/** tsx's loader, resolved from here (the examples run in folders without node_modules). */
const TSX = import.meta.resolve('tsx');

/**
 * The READMEs whose TypeScript examples run, and the package each runs from (so that its imports
 * resolve as a user's would: the package itself by name, and its dependencies).
 */
const READMES: readonly { readonly file: string; readonly from: string }[] = [
  { file: 'README.md', from: 'packages/wal-store' },
  { file: 'packages/record/README.md', from: 'packages/record' },
  { file: 'packages/wal/README.md', from: 'packages/wal' },
  { file: 'packages/store/README.md', from: 'packages/store' },
  { file: 'packages/wal-store/README.md', from: 'packages/wal-store' },
  { file: 'packages/level/README.md', from: 'packages/level' },
];

/** Every ```ts block of `markdown` but those marked ```ts fragment, with its line number. */
function examplesOf(markdown: string): { line: number; code: string }[] {
  const examples: { line: number; code: string }[] = [];
  let current: { line: number; lines: string[] } | undefined;
  markdown.split('\n').forEach((text, i) => {
    if (current === undefined && text === '```ts') current = { line: i + 1, lines: [] };
    else if (current !== undefined && text.startsWith('```')) {
      examples.push({ line: current.line, code: current.lines.join('\n') });
      current = undefined;
    } else current?.lines.push(text);
  });
  return examples;
}

const work = mkdtempSync(path.join(tmpdir(), 'hermes-readme-examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Issue 16 item 1: a README can never again teach a wrong program. Every TypeScript example
 * runs, as written, in a folder of its own, twice (the second run reopens what the first wrote,
 * as a user's program does after a restart), against the packages' sources.
 */
describe.each(READMES)('the examples of $file', ({ file, from }) => {
  const examples = examplesOf(readFileSync(path.join(ROOT, file), 'utf8'));

  it('has at least one', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)(
    'the one at line $line runs, and runs again on what it wrote',
    async ({ line, code }) => {
      const cwd = mkdtempSync(path.join(work, 'run-'));
      // Inside the package, so that its name and its dependencies resolve; removed after.
      const script = path.join(ROOT, from, `.readme-example-${process.pid}-${line}.mts`);
      writeFileSync(script, code);
      try {
        const once = () =>
          run(process.execPath, ['--conditions=@hermes/source', '--import', TSX, script], {
            cwd,
            timeout: 60_000,
          });
        await once();
        const again = await once();
        if (file === 'packages/wal/README.md' && code.includes('onRecord')) {
          // The state rebuilt from the log on reopen: the batch deleted greeting and set farewell.
          expect(again.stdout).toContain('replayed 2 records: farewell');
        }
      } finally {
        rmSync(script, { force: true });
      }
    },
  );
});
