/**
 * Packs every public package as the registry would receive it (once), checks each tarball
 * (contents, publint, are-the-types-wrong), then installs each layer alone from the tarballs into
 * a fresh project outside the workspace and runs a small program against it: type-checked with
 * `tsc` (module nodenext, against the shipped .d.ts), run in plain Node as ESM and through
 * `require()` from CommonJS.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerClosure } from '../../scripts/lib/layers.ts';
import { run, runPnpm } from '../../scripts/lib/run.ts';
import { type PackageJson, publicPackages, REPO_ROOT } from '../../scripts/lib/workspace.ts';

/** A layer as a user installs it: the packages they depend on, and what the program uses. */
interface Layer {
  readonly name: string;
  /** The packages the consumer project depends on directly (the layer, plus a store to wrap). */
  readonly direct: readonly string[];
  /** The program in `consumers/`. */
  readonly program: string;
  /** Whether the program takes a fresh folder as its argument. */
  readonly needsDir: boolean;
  /** Function exports a CommonJS `require()` must see. */
  readonly cjsExports: readonly string[];
  /**
   * Type-check every entry of every installed Hermes package with `skipLibCheck: false`. Costly
   * (it checks @types/node too), so done once, by the layer that installs them all.
   */
  readonly checkAllDeclarations?: boolean;
}

const LAYERS: readonly Layer[] = [
  {
    name: '@hermes/record',
    direct: ['@hermes/record'],
    program: 'record.ts',
    needsDir: false,
    cjsExports: ['encodeRecord', 'LogDecoder'],
  },
  {
    name: '@hermes/store',
    direct: ['@hermes/store'],
    program: 'store.ts',
    needsDir: false,
    cjsExports: ['LockedStore', 'ShardedStore'],
  },
  {
    name: '@hermes/wal',
    direct: ['@hermes/wal'],
    program: 'wal.ts',
    needsDir: true,
    cjsExports: ['openWal', 'WalError'],
  },
  {
    name: '@hermes/wal-store',
    direct: ['@hermes/wal-store', '@hermes/store'],
    program: 'wal-store.ts',
    needsDir: true,
    cjsExports: ['openDurableStore', 'DurableStoreError'],
    checkAllDeclarations: true,
  },
  {
    name: '@hermes/wal-jetstream',
    direct: ['@hermes/wal-jetstream', '@hermes/wal-store', '@hermes/store'],
    program: 'wal-jetstream.ts',
    needsDir: false,
    cjsExports: ['openJetStreamLog', 'JetStreamLogError'],
  },
  {
    name: '@hermes/level',
    direct: ['@hermes/level'],
    program: 'level.ts',
    needsDir: true,
    cjsExports: ['HermesLevel', 'HermesLevelError', 'keyOfBytes'],
  },
];

const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const ATTW = path.join(REPO_ROOT, 'node_modules', '.bin', 'attw');
const CONSUMERS = path.join(import.meta.dirname, 'consumers');

/** One packed package. */
interface Packed {
  readonly name: string;
  readonly dir: string;
  readonly tarball: string;
  /** Paths inside the tarball, without the leading `package/`. */
  readonly files: readonly string[];
  /** The package.json as packed (workspace ranges replaced). */
  readonly manifest: PackageJson;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'hermes-release-'));
const packed = new Map<string, Packed>();
const packages = publicPackages(REPO_ROOT);
/**
 * A plain environment for the consumer: no workspace conditions or loaders (NODE_OPTIONS), no
 * NODE_PATH (pnpm's bin shims point it into the workspace's store), no pnpm or vitest settings.
 */
const PLAIN_DROP = new Set(['NODE_OPTIONS', 'NODE_PATH', 'NODE_ENV']);
const plainEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !PLAIN_DROP.has(k) && !k.startsWith('npm_') && !k.startsWith('VITEST'),
  ),
);

beforeAll(async () => {
  // Build exactly what is packed; turbo replays its cache when nothing changed.
  await runPnpm(
    ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
    {
      cwd: REPO_ROOT,
    },
  );
  const dest = path.join(work, 'tarballs');
  mkdirSync(dest);
  await Promise.all(
    packages.map(async (p) => {
      await runPnpm(['pack', '--pack-destination', dest], { cwd: p.dir });
      const { name, version } = p.manifest;
      const tarball = path.join(dest, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
      const list = await run('tar', ['-tzf', tarball], { cwd: work });
      const json = await run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: work });
      packed.set(name, {
        name,
        dir: p.dir,
        tarball,
        files: list.stdout
          .split('\n')
          .filter(Boolean)
          .map((f) => f.replace(/^package\//, '')),
        manifest: JSON.parse(json.stdout) as PackageJson,
      });
    }),
  );
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function get(name: string): Packed {
  const p = packed.get(name);
  if (!p) throw new Error(`${name} was not packed`);
  return p;
}

/** Every file path an `exports` value points at (all conditions, nulls skipped). */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(exportTargets);
}

/**
 * A module that imports the types of every exported entry of the installed packages `names`,
 * except entries of a package whose peer dependencies are not installed (the store's `./testing`
 * needs vitest and fast-check, which a user of that entry installs).
 */
function allEntries(project: string, names: readonly string[]): string {
  const lines: string[] = [];
  for (const name of names) {
    const manifest = JSON.parse(
      readFileSync(path.join(project, 'node_modules', name, 'package.json'), 'utf8'),
    ) as PackageJson;
    const peersMissing = Object.keys(manifest.peerDependencies ?? {}).some(
      (peer) => !existsSync(path.join(project, 'node_modules', peer)),
    );
    for (const key of Object.keys(manifest.exports ?? {})) {
      if (key === './package.json' || (key !== '.' && peersMissing)) continue;
      lines.push(`import type * as e${lines.length} from '${name}${key.slice(1)}';`);
    }
  }
  return `${lines.join('\n')}\nexport type { ${lines.map((_, i) => `e${i}`).join(', ')} };\n`;
}

const inTarball = (p: Packed, file: string): boolean =>
  p.files.includes(path.posix.normalize(file));

describe.each(packages.map((p) => p.manifest.name))('the tarball of %s', (name) => {
  it('holds what a user needs and nothing else: no tests, no build info, no fixtures', () => {
    const p = get(name);
    expect(p.files).toContain('package.json');
    expect(p.files).toContain('README.md');
    const unwanted = p.files.filter(
      (f) =>
        /(^|\/)(test|tests|__tests__|fixtures|node_modules|\.turbo|coverage)\//.test(f) ||
        /\.(test|spec)\.[cm]?[jt]s$/.test(f) ||
        /tsbuildinfo$/.test(f) ||
        f.startsWith('docs/'),
    );
    expect(unwanted).toEqual([]);
    expect(p.files.some((f) => f.startsWith('dist/') && f.endsWith('.js'))).toBe(true);
  });

  it('has every file its exports map, bin, source maps and README point at', async () => {
    const p = get(name);
    const exportsMap = p.manifest.exports;
    expect(exportsMap, 'an exports map is the front door').toBeTypeOf('object');
    const missing = exportTargets(exportsMap).filter((t) => !inTarball(p, t));
    const bins =
      typeof p.manifest.bin === 'string' ? [p.manifest.bin] : Object.values(p.manifest.bin ?? {});
    missing.push(...bins.filter((b) => !inTarball(p, b)));
    // Every .js has its declaration and both have source maps whose sources ship too.
    for (const js of p.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
      for (const sibling of [
        `${js}.map`,
        js.replace(/\.js$/, '.d.ts'),
        js.replace(/\.js$/, '.d.ts.map'),
      ]) {
        if (!inTarball(p, sibling)) missing.push(sibling);
      }
    }
    for (const map of p.files.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(path.join(p.dir, map), 'utf8')) as {
        sources: string[];
      };
      for (const source of sources) {
        const file = path.posix.join(path.posix.dirname(map), source);
        if (!inTarball(p, file)) missing.push(`${file} (source of ${map})`);
      }
    }
    // Relative links of the README (FORMAT.md for the codec, for example).
    const readme = existsSync(path.join(p.dir, 'README.md'))
      ? readFileSync(path.join(p.dir, 'README.md'), 'utf8')
      : '';
    for (const [, link] of readme.matchAll(/\]\((\.?\/?[\w./-]+\.md)(?:#[\w-]*)?\)/g)) {
      if (link && !/^[a-z]+:/.test(link) && !inTarball(p, link))
        missing.push(`${link} (linked from README.md)`);
    }
    expect(missing).toEqual([]);
    for (const bin of bins) {
      const head = readFileSync(path.join(p.dir, bin), 'utf8').slice(0, 20);
      expect(head, `${bin} needs a shebang`).toMatch(/^#!\/usr\/bin\/env node/);
    }
  });

  it('has the manifest fields a registry page and a bundler need', () => {
    const m = get(name).manifest as PackageJson & Record<string, unknown>;
    const dir = path.relative(REPO_ROOT, get(name).dir).split(path.sep).join('/');
    expect(m).toMatchObject({
      type: 'module',
      sideEffects: false,
      license: 'MIT',
      engines: { node: '>=20.19' },
      repository: { type: 'git', directory: dir },
      publishConfig: { access: 'public' },
    });
    expect(m['description']).toBeTypeOf('string');
    expect((m['keywords'] as string[]).length).toBeGreaterThan(2);
    expect(m['main'] ?? m['module'], 'exports is the only front door').toBeUndefined();
  });

  it('documents every entry of its exports map in its API reference (typedoc.json)', () => {
    const p = get(name);
    const sources = Object.values(p.manifest.exports as Record<string, unknown>)
      .map((entry) => (entry as Record<string, string>)['@hermes/source'])
      .filter((source): source is string => typeof source === 'string')
      .map((source) => path.posix.normalize(source));
    const typedoc = JSON.parse(readFileSync(path.join(p.dir, 'typedoc.json'), 'utf8')) as {
      entryPoints: string[];
    };
    expect(typedoc.entryPoints.map((e) => path.posix.normalize(e)).sort()).toEqual(sources.sort());
    expect(readFileSync(path.join(p.dir, 'package.json'), 'utf8')).toMatch(
      /"build": "tsc --build && typedoc"/,
    );
  });

  it('depends on real versions of its Hermes dependencies, not workspace ranges', () => {
    const p = get(name);
    for (const map of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
      for (const [dep, range] of Object.entries(p.manifest[map] ?? {})) {
        expect(range, `${map}.${dep}`).not.toMatch(/^(workspace|link|file):/);
        const target = packed.get(dep);
        if (target) expect(range, `${map}.${dep}`).toBe(`^${target.manifest.version}`);
      }
    }
    expect(p.manifest.devDependencies ?? {}).not.toHaveProperty('@hermes/demo');
  });

  it('passes publint (warnings count as errors)', async () => {
    const p = get(name);
    const data = readFileSync(p.tarball);
    const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const result = await publint({ pack: { tarball }, level: 'warning', strict: true });
    expect(result.messages.map((m) => formatMessage(m, result.pkg) ?? m.code)).toEqual([]);
  });

  it('passes are-the-types-wrong for ESM consumers (node16 from ESM, bundler)', async () => {
    const p = get(name);
    const out = await run(
      ATTW,
      [p.tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color'],
      {
        cwd: work,
        allowFailure: true,
      },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
  });
});

// The layers install and run side by side: separate projects, mostly waiting on the disk.
describe.concurrent.each(LAYERS)('$name installed alone from its tarball', (layer) => {
  it('installs without the workspace or a registry, type-checks and runs in plain Node, as ESM and from require()', async ({
    expect,
  }) => {
    const project = path.join(work, `consumer-${layer.name.replace(/\W/g, '_')}`);
    mkdirSync(project);
    const expected = new Set([
      ...layer.direct,
      ...layer.direct.flatMap((d) => [...layerClosure(d)]),
    ]);
    const spec = (n: string): string => `file:${get(n).tarball}`;
    // overrides send every Hermes package to its tarball, so none is fetched from a registry.
    const overrides = Object.fromEntries(
      [...packed.keys()].filter((n) => !layer.direct.includes(n)).map((n) => [n, spec(n)]),
    );
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(layer.direct.map((n) => [n, spec(n)])),
        overrides,
      }),
    );
    // Third-party dependencies of the layer may come from npm's cache or registry; ours never.
    const thirdParty = [...expected].some((n) =>
      Object.keys(get(n).manifest.dependencies ?? {}).some((d) => !d.startsWith('@hermes/')),
    );
    await run(
      'npm',
      [
        'install',
        thirdParty ? '--prefer-offline' : '--offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
      ],
      { cwd: project, env: plainEnv },
    );

    // Only the layer and what it may use were installed, as real folders (no workspace links).
    const hermes = readdirSync(path.join(project, 'node_modules', '@hermes')).map(
      (n) => `@hermes/${n}`,
    );
    expect(new Set(hermes)).toEqual(expected);
    for (const n of hermes) {
      expect(lstatSync(path.join(project, 'node_modules', n)).isSymbolicLink(), n).toBe(false);
      expect(existsSync(path.join(project, 'node_modules', n, 'test')), `${n}/test`).toBe(false);
    }

    // The same program, type-checked against the shipped declarations, then run as JavaScript.
    const main = readFileSync(path.join(CONSUMERS, layer.program), 'utf8');
    writeFileSync(path.join(project, 'main.ts'), main);
    const cjs = [
      "import assert = require('node:assert/strict');",
      `import layer = require('${layer.name}');`,
      ...layer.cjsExports.map((e) => `assert.equal(typeof layer.${e}, 'function');`),
      `console.log('ok require(${layer.name})');`,
      '',
    ].join('\n');
    writeFileSync(path.join(project, 'require.cts'), cjs);
    const files = ['main.ts', 'require.cts'];
    if (layer.checkAllDeclarations) {
      writeFileSync(path.join(project, 'entries.ts'), allEntries(project, hermes));
      files.push('entries.ts');
    }
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: layer.checkAllDeclarations !== true,
          types: ['node'],
          typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
          outDir: 'out',
          rootDir: '.',
        },
        files,
      }),
    );
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, env: plainEnv });

    const dataDir = path.join(project, 'data');
    const args = layer.needsDir ? [dataDir] : [];
    const esm = await run(process.execPath, ['out/main.js', ...args], {
      cwd: project,
      env: plainEnv,
    });
    expect(esm.stdout).toMatch(new RegExp(`^ok ${layer.name}:`, 'm'));
    const cjsRun = await run(process.execPath, ['out/require.cjs'], {
      cwd: project,
      env: plainEnv,
    });
    expect(cjsRun.stdout).toContain(`ok require(${layer.name})`);

    // Internals are closed: only the exports map's entries can be imported.
    const closed = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        [
          `await import('${layer.name}/package.json', { with: { type: 'json' } });`,
          `for (const deep of ['${layer.name}/dist/index.js', '${layer.name}/src/index.ts']) {`,
          '  const error = await import(deep).then(() => undefined, (e) => e);',
          "  if (error?.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw new Error(deep + ' is open: ' + error);",
          '}',
          "console.log('closed');",
        ].join('\n'),
      ],
      { cwd: project, env: plainEnv },
    );
    expect(closed.stdout).toContain('closed');

    // The wal's command-line tool works from the installed tarball.
    if (layer.name === '@hermes/wal') {
      const bin = path.join(project, 'node_modules', '.bin', 'hermes-wal');
      const verify = await run(bin, ['verify', dataDir], { cwd: project, env: plainEnv });
      expect(verify.code).toBe(0);
    }
  });
});
