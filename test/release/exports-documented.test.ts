/**
 * Each package exports what its README documents, and nothing else: every name a published
 * entry point (`.` and `./testing`) exports must appear in the package's README in backticks.
 * An internal that leaks through an index (a `export *`, a helper exported for a test) fails
 * here, naming it; so does a new export nobody wrote a word about. Reads the built `.d.ts`
 * (`check:packages` builds the packages before it runs the release tests).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { publicPackages, REPO_ROOT } from '../../scripts/lib/workspace.ts';

/** The `.d.ts` of each published entry point of a package: `.` and `./testing` where it exists. */
function entryPoints(dir: string): string[] {
  return ['index.d.ts', 'testing/index.d.ts']
    .map((file) => path.join(dir, 'dist', file))
    .filter((file) => existsSync(file));
}

/** The names `file` exports, re-exports from other packages included. */
function exportedNames(file: string): string[] {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!);
  return module === undefined ? [] : checker.getExportsOfModule(module).map((s) => s.name);
}

describe('every export of a published package is documented in its README', () => {
  it.each(publicPackages(REPO_ROOT).map((p) => [p.manifest.name, p.dir] as const))(
    '%s',
    (_name, dir) => {
      const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
      const entries = entryPoints(dir);
      expect(entries.length, 'the package is built').toBeGreaterThan(0);
      const undocumented = entries
        .flatMap(exportedNames)
        .filter((name) => !readme.includes(`\`${name}\``));
      expect(undocumented, 'exports the README never names in backticks').toEqual([]);
    },
  );
});
