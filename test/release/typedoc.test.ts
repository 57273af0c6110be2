import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { run } from '../../scripts/lib/run.ts';
import { REPO_ROOT } from '../../scripts/lib/workspace.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'hermes-typedoc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('the API reference step of a build fails on an export without a doc comment, naming it', async () => {
  // A package laid out like ours, under the repo's own typedoc.json and tsconfig.base.json.
  for (const file of ['typedoc.json', 'tsconfig.base.json']) {
    cpSync(path.join(REPO_ROOT, file), path.join(root, file));
  }
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const pkg = path.join(root, 'packages', 'demo');
  mkdirSync(path.join(pkg, 'src'), { recursive: true });
  cpSync(
    path.join(REPO_ROOT, 'packages', 'record', 'typedoc.json'),
    path.join(pkg, 'typedoc.json'),
  );
  cpSync(
    path.join(REPO_ROOT, 'packages', 'record', 'tsconfig.json'),
    path.join(pkg, 'tsconfig.json'),
  );
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: '@hermes/demo-docs', version: '0.0.0' }),
  );
  writeFileSync(
    path.join(pkg, 'src', 'index.ts'),
    [
      '/** Documented: fine. */',
      'export const documented: number = 1;',
      'export function bare(): void {}',
      'export interface Shape {',
      '  /** Members need no comment of their own. */',
      '  readonly x: number;',
      '}',
      '',
    ].join('\n'),
  );
  const out = await run(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc')],
    {
      cwd: pkg,
      allowFailure: true,
    },
  );
  const text = out.stdout + out.stderr;
  expect(out.code, text).not.toBe(0);
  expect(text).toMatch(/bare \((?:Function|CallSignature)\).*does not have any documentation/);
  expect(text).toMatch(/Shape \(Interface\).*does not have any documentation/);
  expect(text).not.toMatch(/documented \(Variable\)/);
});

it('one API reference site holds every package, and every package README points at it (issue 16 item 18)', async () => {
  const site = path.join(root, 'site');
  await run(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'),
      '--options',
      'typedoc.site.json',
      '--out',
      site,
    ],
    { cwd: REPO_ROOT },
  );
  const modules = readFileSync(path.join(site, 'modules.html'), 'utf8');
  const packages = readdirSync(path.join(REPO_ROOT, 'packages'));
  expect(packages.length).toBeGreaterThanOrEqual(6);
  for (const name of packages) {
    expect(modules, `@hermes/${name} in the site`).toContain(`@hermes/${name}`);
    const readme = readFileSync(path.join(REPO_ROOT, 'packages', name, 'README.md'), 'utf8');
    expect(readme, `packages/${name}/README.md`).toContain('run docs:api');
  }
});
