import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runPnpm } from '../../scripts/lib/run.ts';
import {
  listWorkspace,
  type PackageJson,
  REPO_ROOT,
  readJson,
} from '../../scripts/lib/workspace.ts';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the repo's manifests and changesets config (and its pending changesets if asked). */
function copyRepo(withPending = false): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hermes-changesets-'));
  temps.push(dir);
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
    cpSync(path.join(REPO_ROOT, file), path.join(dir, file));
  }
  if (withPending) {
    for (const file of readdirSync(path.join(REPO_ROOT, '.changeset'))) {
      if (file.endsWith('.md') && file !== 'README.md') {
        cpSync(path.join(REPO_ROOT, '.changeset', file), path.join(dir, '.changeset', file));
      }
    }
  }
  for (const project of listWorkspace(REPO_ROOT)) {
    cpSync(path.join(project.dir, 'package.json'), path.join(dir, project.relDir, 'package.json'));
  }
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function versions(dir: string): Record<string, string> {
  return Object.fromEntries(listWorkspace(dir).map((p) => [p.manifest.name, p.manifest.version]));
}

function bump(version: string, type: 'patch' | 'minor'): string {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return type === 'patch' ? `${major}.${minor}.${patch + 1}` : `${major}.${minor + 1}.0`;
}

/** The CHANGELOG.md of `packages/<pkg>` (or of `apps/<name>` when `pkg` is `apps/<name>`). */
function changelog(dir: string, pkg: string): string | undefined {
  const file = path.join(dir, pkg.includes('/') ? pkg : `packages/${pkg}`, 'CHANGELOG.md');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

async function versionPackages(dir: string, changeset: string): Promise<void> {
  writeFileSync(path.join(dir, '.changeset', 'a-change.md'), changeset);
  await runPnpm(['run', 'version-packages'], { cwd: dir });
}

describe('pnpm version-packages (changesets, independent versions)', () => {
  let dir: string;
  let before: Record<string, string>;
  beforeEach(() => {
    dir = copyRepo();
    before = versions(dir);
  });

  it('bumps @hermes/record and its dependents (wal, wal-store, wal-jetstream, level, the apps) as patches, and leaves the store alone', async () => {
    await versionPackages(
      dir,
      '---\n"@hermes/record": patch\n---\n\nDecoding a legacy line is faster.\n',
    );
    const after = versions(dir);
    expect(after).toEqual({
      ...before,
      '@hermes/record': bump(before['@hermes/record']!, 'patch'),
      '@hermes/wal': bump(before['@hermes/wal']!, 'patch'),
      '@hermes/wal-store': bump(before['@hermes/wal-store']!, 'patch'),
      '@hermes/wal-jetstream': bump(before['@hermes/wal-jetstream']!, 'patch'),
      '@hermes/level': bump(before['@hermes/level']!, 'patch'),
      '@hermes/demo': bump(before['@hermes/demo']!, 'patch'),
      '@hermes/bench': bump(before['@hermes/bench']!, 'patch'),
    });
    expect(changelog(dir, 'record')).toContain('Decoding a legacy line is faster.');
    expect(changelog(dir, 'wal')).toContain(`@hermes/record@${after['@hermes/record']}`);
    expect(changelog(dir, 'wal-store')).toContain(`@hermes/wal@${after['@hermes/wal']}`);
    expect(changelog(dir, 'store')).toBeUndefined();
    // The changeset is consumed; internal ranges stay workspace ranges (pack turns them into ^x.y.z).
    expect(readdirSync(path.join(dir, '.changeset'))).toEqual(['config.json']);
    const wal = readJson<PackageJson>(path.join(dir, 'packages/wal/package.json'));
    expect(wal.dependencies?.['@hermes/record']).toMatch(/^workspace:/);
  });

  it('bumps a minor change of @hermes/store as minor, wal-store, level and the apps as patches, and nothing below', async () => {
    await versionPackages(
      dir,
      '---\n"@hermes/store": minor\n---\n\nStores can be iterated in key order.\n',
    );
    expect(versions(dir)).toEqual({
      ...before,
      '@hermes/store': bump(before['@hermes/store']!, 'minor'),
      '@hermes/wal-store': bump(before['@hermes/wal-store']!, 'patch'),
      '@hermes/level': bump(before['@hermes/level']!, 'patch'),
      '@hermes/demo': bump(before['@hermes/demo']!, 'patch'),
      '@hermes/bench': bump(before['@hermes/bench']!, 'patch'),
    });
    expect(changelog(dir, 'record')).toBeUndefined();
    expect(changelog(dir, 'wal')).toBeUndefined();
  });

  it('consumes a changeset on an app into its CHANGELOG, keeps it private and leaves the packages alone', async () => {
    await versionPackages(
      dir,
      '---\n"@hermes/demo": minor\n---\n\nThe service lists keys by prefix.\n',
    );
    expect(versions(dir)).toEqual({
      ...before,
      '@hermes/demo': bump(before['@hermes/demo']!, 'minor'),
    });
    expect(changelog(dir, 'apps/demo')).toContain('The service lists keys by prefix.');
    expect(readJson<PackageJson>(path.join(dir, 'apps/demo/package.json')).private).toBe(true);
    expect(readdirSync(path.join(dir, '.changeset'))).toEqual(['config.json']);
  });

  it('the pending changesets of the repo release every package never published as 0.1.0', async () => {
    const pending = copyRepo(true);
    const unreleased = listWorkspace(pending)
      .filter((p) => !p.manifest.private && p.manifest.version === '0.0.0')
      .map((p) => p.manifest.name);
    await runPnpm(['run', 'version-packages'], { cwd: pending });
    const after = versions(pending);
    expect(unreleased.map((name) => [name, after[name]])).toEqual(
      unreleased.map((name) => [name, '0.1.0']),
    );
  });
});
