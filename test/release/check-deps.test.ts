import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDependencyDirection, formatViolation } from '../../scripts/check-deps.ts';

type Files = Record<string, string>;

const exportsMap = (testing = false): object => ({
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  ...(testing
    ? { './testing': { types: './dist/testing/index.d.ts', default: './dist/testing/index.js' } }
    : {}),
  './package.json': './package.json',
});

const pkg = (name: string, deps: Record<string, string> = {}, extra: object = {}): string =>
  JSON.stringify({
    name,
    version: '0.1.0',
    exports: exportsMap(name === '@hermes/wal'),
    dependencies: deps,
    ...extra,
  });

/** A small workspace laid out like Hermes, where every edge is right. */
const GOOD: Files = {
  'pnpm-workspace.yaml': 'packages:\n  - packages/*\n  - apps/*\n',
  'packages/record/package.json': pkg('@hermes/record'),
  'packages/record/src/index.ts':
    "export * from './types.js';\nimport { crc32 } from 'node:zlib';\n",
  'packages/record/src/types.ts': 'export type Op = { type: string };\n',
  'packages/store/package.json': pkg('@hermes/store'),
  'packages/store/src/index.ts':
    "import { EventEmitter } from 'events';\nexport const e = EventEmitter;\n",
  'packages/wal/package.json': pkg('@hermes/wal', { '@hermes/record': 'workspace:^' }),
  'packages/wal/src/index.ts':
    "export type { Op } from '@hermes/record';\nexport * from './sub/x.js';\n",
  'packages/wal/src/sub/x.ts': "import '../index.js';\n",
  'packages/wal/test/x.test.ts':
    "import { readFileSync } from 'node:fs';\nimport '../src/index.js';\n",
  'packages/wal-store/package.json': pkg(
    '@hermes/wal-store',
    { '@hermes/wal': 'workspace:^', '@hermes/store': 'workspace:^' },
    { devDependencies: { '@hermes/record': 'workspace:^' } },
  ),
  'packages/wal-store/src/index.ts':
    "import type { Op } from '@hermes/wal';\nimport { e } from '@hermes/store';\nexport const x: Op | typeof e | undefined = undefined;\n",
  'packages/wal-store/test/a.test.ts':
    "import '@hermes/record';\nimport '@hermes/wal/testing';\nimport 'vitest';\n",
  'apps/demo/package.json': JSON.stringify({
    name: '@hermes/demo',
    version: '0.0.0',
    private: true,
    dependencies: { '@hermes/wal-store': 'workspace:*', fastify: '^5.0.0' },
  }),
  'apps/demo/src/main.ts': "import '@hermes/wal-store';\nimport 'fastify';\n",
};

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function workspace(changes: Files = {}): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hermes-deps-'));
  roots.push(root);
  for (const [file, text] of Object.entries({ ...GOOD, ...changes })) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

function problems(changes: Files): string[] {
  return checkDependencyDirection(workspace(changes)).violations.map(formatViolation);
}

describe('the dependency direction check', () => {
  it('accepts a workspace whose every edge goes record <- wal <- wal-store -> store, apps on top', () => {
    const report = checkDependencyDirection(workspace());
    expect(report.violations.map(formatViolation)).toEqual([]);
    expect(report.manifests).toBe(5);
    expect(report.files).toBe(9);
  });

  it('catches a lower layer importing a higher one (record imports the wal)', () => {
    expect(
      problems({ 'packages/record/src/types.ts': "import type { Wal } from '@hermes/wal';\n" }),
    ).toEqual([
      "packages/record/src/types.ts:1: '@hermes/wal': @hermes/record must not depend on @hermes/wal; it may use no other Hermes package.",
    ]);
  });

  it('catches wal-store importing @hermes/record directly, even when it declares it', () => {
    const out = problems({
      'packages/wal-store/package.json': pkg('@hermes/wal-store', {
        '@hermes/wal': 'workspace:^',
        '@hermes/store': 'workspace:^',
        '@hermes/record': 'workspace:^',
      }),
      'packages/wal-store/src/index.ts': "\n\nexport { type Op } from '@hermes/record';\n",
    });
    expect(out).toContain(
      "packages/wal-store/src/index.ts:3: '@hermes/record': @hermes/wal-store must not depend on @hermes/record; it may use @hermes/wal, @hermes/store.",
    );
    expect(out).toContain(
      'packages/wal-store/package.json: dependencies: @hermes/wal-store must not depend on @hermes/record; it may use @hermes/wal, @hermes/store.',
    );
  });

  it('catches a package importing an app, by name or through a dynamic import', () => {
    const out = problems({
      'packages/store/src/index.ts':
        "export async function f() { return import('@hermes/demo'); }\n",
    });
    expect(out).toEqual([
      "packages/store/src/index.ts:1: '@hermes/demo': @hermes/store must not depend on the app @hermes/demo.",
    ]);
  });

  it('catches the store and the wal knowing each other (store -> wal is no edge)', () => {
    expect(
      problems({
        'packages/store/src/index.ts': "const w = require('@hermes/wal');\nexport { w };\n",
      }),
    ).toHaveLength(1);
  });

  it('catches a relative import that reaches into another package', () => {
    expect(
      problems({ 'packages/wal-store/src/index.ts': "import '../../wal/src/index.js';\n" }),
    ).toEqual([
      "packages/wal-store/src/index.ts:1: '../../wal/src/index.js': reaches outside packages/wal-store/src/; import another package by its name (and only what its exports map offers).",
    ]);
  });

  it('catches a deep import past the exports map', () => {
    expect(
      problems({ 'packages/wal-store/src/index.ts': "import '@hermes/wal/dist/types.js';\n" }),
    ).toEqual([
      "packages/wal-store/src/index.ts:1: '@hermes/wal/dist/types.js': @hermes/wal does not export ./dist/types.js; import only what its exports map offers.",
    ]);
  });

  it('catches an import of a package the manifest does not declare', () => {
    const out = problems({
      'packages/wal/package.json': pkg('@hermes/wal'),
      'packages/store/src/index.ts': "import 'left-pad';\n",
    });
    expect(out).toEqual([
      "packages/store/src/index.ts:1: 'left-pad': left-pad is not in the dependencies of packages/store/package.json, so an installed copy would not find it.",
      "packages/wal/src/index.ts:1: '@hermes/record': @hermes/record is not declared in packages/wal/package.json dependencies.",
    ]);
  });

  it('catches a wrong edge in a dependencies map alone, and a test-only cycle', () => {
    const out = problems({
      'packages/record/package.json': pkg(
        '@hermes/record',
        {},
        { devDependencies: { '@hermes/wal': 'workspace:^' } },
      ),
      'packages/store/package.json': pkg('@hermes/store', { '@hermes/demo': 'workspace:*' }),
    });
    expect(out).toEqual([
      'packages/record/package.json: devDependencies: @hermes/record must not depend on @hermes/wal (not even in tests: that would be a cycle); it may use no other Hermes package.',
      'packages/store/package.json: dependencies: @hermes/store must not depend on the app @hermes/demo.',
    ]);
  });

  it('lets the tests of a log beside wal use the durable store, never its sources', () => {
    const jetstream = {
      'packages/wal-jetstream/package.json': pkg(
        '@hermes/wal-jetstream',
        { '@hermes/record': 'workspace:^', '@hermes/wal': 'workspace:^' },
        { devDependencies: { '@hermes/wal-store': 'workspace:^', '@hermes/store': 'workspace:^' } },
      ),
      'packages/wal-jetstream/src/index.ts':
        "import type { LogPort } from '@hermes/wal';\nimport '@hermes/record';\nexport type P = LogPort;\n",
      'packages/wal-jetstream/test/a.test.ts':
        "import '@hermes/wal-store';\nimport '@hermes/store';\nimport '../src/index.js';\n",
    };
    expect(problems(jetstream)).toEqual([]);
    expect(
      problems({
        ...jetstream,
        'packages/wal-jetstream/src/store.ts': "import '@hermes/wal-store';\n",
      }),
    ).toEqual([
      "packages/wal-jetstream/src/store.ts:1: '@hermes/wal-store': @hermes/wal-jetstream must not depend on @hermes/wal-store; it may use @hermes/record, @hermes/wal.",
    ]);
  });

  it('catches an app depending on another app, and a package that is not a known layer', () => {
    const out = problems({
      'apps/bench/package.json': JSON.stringify({
        name: '@hermes/bench',
        private: true,
        dependencies: { '@hermes/demo': 'workspace:*' },
      }),
      'packages/extra/package.json': pkg('@hermes/extra'),
    });
    expect(out).toEqual([
      'apps/bench/package.json: dependencies: @hermes/bench must not depend on the app @hermes/demo.',
      'packages/extra/package.json: @hermes/extra is not a known layer: add it with its allowed dependencies to scripts/lib/layers.ts.',
    ]);
  });
});
