import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of a `package.json` the release scripts read. */
export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly exports?: Record<string, unknown> | string;
  readonly bin?: Record<string, string> | string;
  readonly files?: readonly string[];
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/** One project of the pnpm workspace. */
export interface WorkspaceProject {
  /** Absolute folder of the project. */
  readonly dir: string;
  /** Folder relative to the workspace root, with `/` separators (`packages/wal`). */
  readonly relDir: string;
  readonly manifest: PackageJson;
}

/** Reads and parses a JSON file. */
export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * The `packages:` globs of `pnpm-workspace.yaml` (only the `dir/*` and `dir` forms Hermes uses).
 * @throws Error if the file has a glob of another form.
 */
export function workspaceGlobs(root: string): string[] {
  const text = readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs: string[] = [];
  let inPackages = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inPackages = line.startsWith('packages:');
    const m = inPackages ? /^\s+-\s+['"]?([^'"#\s]+)['"]?/.exec(line) : null;
    if (m?.[1]) {
      if (m[1].includes('*') && !m[1].endsWith('/*')) {
        throw new Error(`pnpm-workspace.yaml: unsupported glob ${m[1]} (use dir/* or dir).`);
      }
      globs.push(m[1]);
    }
  }
  return globs;
}

/** Every project of the workspace under `root` (the root itself excluded), sorted by folder. */
export function listWorkspace(root: string): WorkspaceProject[] {
  const dirs: string[] = [];
  for (const glob of workspaceGlobs(root)) {
    if (glob.endsWith('/*')) {
      const parent = path.join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(path.join(parent, entry.name));
      }
    } else {
      dirs.push(path.join(root, glob));
    }
  }
  return dirs
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .sort()
    .map((dir) => ({
      dir,
      relDir: path.relative(root, dir).split(path.sep).join('/'),
      manifest: readJson<PackageJson>(path.join(dir, 'package.json')),
    }));
}

/** The projects that are published: every non-private project under `packages/`. */
export function publicPackages(root: string): WorkspaceProject[] {
  return listWorkspace(root).filter((p) => p.relDir.startsWith('packages/') && !p.manifest.private);
}

/** The workspace root: the folder above `scripts/`. */
export const REPO_ROOT: string = path.resolve(import.meta.dirname, '..', '..');
