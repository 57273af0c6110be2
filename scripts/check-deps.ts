/**
 * Fails on a dependency that goes the wrong way between Hermes layers.
 *
 * Reads every `dependencies`-style map of every workspace project and every `import`, `export
 * ... from`, dynamic `import()` and `require()` in `packages/<name>/{src,test}` and `apps/<name>/{src,test}`,
 * and checks them against `lib/layers.ts` (tests may also use a package's test-only layers). Run: `pnpm run check:deps` (part of `pnpm test`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { LAYER_DEPENDENCIES, testClosure } from './lib/layers.js';
import {
  listWorkspace,
  type PackageJson,
  REPO_ROOT,
  type WorkspaceProject,
} from './lib/workspace.js';

/** One wrong edge: where it is and what is wrong. */
export interface Violation {
  /** File relative to the workspace root, `/`-separated. */
  readonly file: string;
  /** 1-based line, or 0 for a whole-file problem. */
  readonly line: number;
  readonly message: string;
}

/** What a check looked at, and what it found. */
export interface DependencyReport {
  readonly violations: Violation[];
  readonly files: number;
  readonly manifests: number;
}

const SOURCE_EXT = /\.(?:[cm]?ts|tsx|[cm]?js)$/;
const RUNTIME_MAPS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** Every source file under `dir` (recursively; `node_modules` and `dist` skipped). */
function sourceFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') out.push(...sourceFiles(full));
    } else if (SOURCE_EXT.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/** The module specifiers a file imports or re-exports, with their 1-based lines. */
export function importsOf(text: string): { specifier: string; line: number }[] {
  const info = ts.preProcessFile(text, true, true);
  const lineOf = (pos: number): number => {
    let line = 1;
    for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  };
  return info.importedFiles.map((ref) => ({ specifier: ref.fileName, line: lineOf(ref.pos) }));
}

/** `@scope/name/sub` -> `['@scope/name', './sub']`; `name` -> `['name', '.']`. */
function splitSpecifier(specifier: string): [name: string, subpath: string] {
  const parts = specifier.split('/');
  const n = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(n).join('/');
  return [parts.slice(0, n).join('/'), rest === '' ? '.' : `./${rest}`];
}

function exportsSubpath(manifest: PackageJson, subpath: string): boolean {
  const exp = manifest.exports;
  if (exp === undefined) return subpath === '.';
  if (typeof exp === 'string') return subpath === '.';
  const keys = Object.keys(exp);
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.';
  return keys.some((k) => {
    if (exp[k] === null) return false;
    if (!k.includes('*')) return k === subpath;
    const [pre = '', post = ''] = k.split('*');
    return subpath.startsWith(pre) && subpath.endsWith(post);
  });
}

function declared(
  manifest: PackageJson,
  name: string,
  maps: readonly (keyof PackageJson)[],
): boolean {
  return maps.some((m) => {
    const deps = manifest[m] as Record<string, string> | undefined;
    return deps !== undefined && Object.hasOwn(deps, name);
  });
}

function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * Checks the workspace under `root`: manifests and imports. Returns every violation found (an
 * empty list means the graph is `record <- wal <- wal-store -> store`, apps on top).
 */
export function checkDependencyDirection(root: string): DependencyReport {
  const projects = listWorkspace(root);
  const byName = new Map<string, WorkspaceProject>(projects.map((p) => [p.manifest.name, p]));
  const isApp = (p: WorkspaceProject): boolean => p.relDir.startsWith('apps/');
  const violations: Violation[] = [];
  let files = 0;

  for (const project of projects) {
    const { manifest } = project;
    const manifestFile = `${project.relDir}/package.json`;
    const app = isApp(project);
    const known = Object.hasOwn(LAYER_DEPENDENCIES, manifest.name);
    if (!app && !known) {
      violations.push({
        file: manifestFile,
        line: 0,
        message: `${manifest.name} is not a known layer: add it with its allowed dependencies to scripts/lib/layers.ts.`,
      });
      continue;
    }
    const direct = new Set(app ? [] : LAYER_DEPENDENCIES[manifest.name]);
    const below = app ? new Set<string>() : testClosure(manifest.name);
    /** Whether `project` may use workspace project `target` (at run time, or in tests). */
    const allowed = (target: WorkspaceProject, forTests: boolean): string | undefined => {
      const name = target.manifest.name;
      if (name === manifest.name) return undefined;
      if (isApp(target)) return `${manifest.name} must not depend on the app ${name}.`;
      if (app) return undefined;
      if ((forTests ? below : direct).has(name)) return undefined;
      const ok = [...(forTests ? below : direct)].join(', ') || 'no other Hermes package';
      return `${manifest.name} must not depend on ${name}${forTests ? ' (not even in tests: that would be a cycle)' : ''}; it may use ${ok}.`;
    };

    for (const map of [...RUNTIME_MAPS, 'devDependencies'] as const) {
      for (const dep of Object.keys(manifest[map] ?? {})) {
        const target = byName.get(dep);
        const problem = target && allowed(target, map === 'devDependencies');
        if (problem)
          violations.push({ file: manifestFile, line: 0, message: `${map}: ${problem}` });
      }
    }

    for (const folder of ['src', 'test'] as const) {
      const forTests = folder === 'test';
      for (const file of sourceFiles(path.join(project.dir, folder))) {
        files++;
        const fileRel = rel(root, file);
        for (const { specifier, line } of importsOf(readFileSync(file, 'utf8'))) {
          const report = (message: string): void => {
            violations.push({ file: fileRel, line, message: `'${specifier}': ${message}` });
          };
          if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
            const target = path.resolve(path.dirname(file), specifier);
            const home = forTests ? project.dir : path.join(project.dir, 'src');
            if (rel(home, target).startsWith('..')) {
              report(
                `reaches outside ${rel(root, home)}/; import another package by its name (and only what its exports map offers).`,
              );
            }
            continue;
          }
          if (isBuiltin(specifier)) continue;
          const [name, subpath] = splitSpecifier(specifier);
          const target = byName.get(name);
          if (target) {
            const problem = allowed(target, forTests);
            if (problem) {
              report(problem);
              continue;
            }
            if (!exportsSubpath(target.manifest, subpath)) {
              report(
                `${name} does not export ${subpath}; import only what its exports map offers.`,
              );
            }
            if (name !== manifest.name) {
              const maps = forTests ? [...RUNTIME_MAPS, 'devDependencies' as const] : RUNTIME_MAPS;
              if (!declared(manifest, name, maps)) {
                report(
                  `${name} is not declared in ${manifestFile} ${forTests ? 'dependencies or devDependencies' : 'dependencies'}.`,
                );
              }
            }
          } else if (!forTests && !declared(manifest, name, RUNTIME_MAPS)) {
            report(
              `${name} is not in the dependencies of ${manifestFile}, so an installed copy would not find it.`,
            );
          }
        }
      }
    }
  }
  return { violations, files, manifests: projects.length };
}

/** Formats a violation as `file:line: message`. */
export function formatViolation(v: Violation): string {
  return `${v.file}${v.line > 0 ? `:${v.line}` : ''}: ${v.message}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = process.argv[2] ? path.resolve(process.argv[2]) : REPO_ROOT;
  const { violations, files, manifests } = checkDependencyDirection(root);
  for (const v of violations) console.error(formatViolation(v));
  console.log(
    `dependency direction (record <- wal <- wal-store -> store, wal <- wal-jetstream, wal-store <- level -> store, apps on top): ${manifests} manifests, ${files} files, ${violations.length} violation(s)`,
  );
  process.exitCode = violations.length > 0 ? 1 : 0;
}
