/**
 * `pnpm release [--dry-run]`: build every public package from clean, check what would ship
 * (dependency direction, tarball contents, publint, are-the-types-wrong, pack-and-install), then
 * publish the versions that are not on the registry yet with `changeset publish` (which tags them).
 *
 * `--dry-run` does everything but the upload: it runs `pnpm publish --dry-run` for each package
 * (packs it exactly as a publish would, workspace ranges replaced) and needs no registry login.
 * Run `pnpm version-packages` first: a release with pending changesets is refused (a dry run
 * only warns).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pnpmCommand, run, runPnpm } from './lib/run.js';
import { publicPackages, REPO_ROOT } from './lib/workspace.js';

const USAGE = `Usage: pnpm release [--dry-run] [--skip-checks] [--otp <code>] [--tag <dist-tag>]

  --dry-run      build, check and pack every package as a publish would, upload nothing
  --skip-checks  skip the release checks (tarball contents, publint, attw, pack-and-install)
  --otp <code>   one-time password for the registry (passed to changeset publish)
  --tag <tag>    publish under this dist-tag instead of latest
`;

/** Pending changesets: files in .changeset/ that `pnpm version-packages` has not consumed yet. */
function pendingChangesets(root: string): string[] {
  return readdirSync(path.join(root, '.changeset')).filter(
    (f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md',
  );
}

/** `published`, `unpublished`, or `unknown` (registry unreachable) for `name@version`. */
async function registryState(name: string, version: string): Promise<string> {
  const out = await run('npm', ['view', `${name}@${version}`, 'version', '--json'], {
    cwd: REPO_ROOT,
    allowFailure: true,
  });
  if (out.code === 0 && out.stdout.includes(version)) return 'already published';
  if (/E404|Not Found/.test(out.stdout + out.stderr)) return 'not published yet';
  return 'registry not reachable';
}

/** Runs one step, printing its name first and its output only on failure. */
async function step<T>(title: string, action: () => Promise<T>): Promise<T> {
  process.stdout.write(`release: ${title}\n`);
  return action();
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'dry-run': { type: 'boolean', default: false },
      'skip-checks': { type: 'boolean', default: false },
      otp: { type: 'string' },
      tag: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const dryRun = values['dry-run'] === true;
  const pending = pendingChangesets(REPO_ROOT);
  if (pending.length > 0) {
    const message = `${pending.length} pending changeset(s) (${pending.join(', ')}): run \`pnpm version-packages\` and commit the result before releasing.`;
    if (!dryRun) throw new Error(message);
    process.stdout.write(`release: warning: ${message}\n`);
  }
  const packages = publicPackages(REPO_ROOT);

  await step('clean build of every package (dist and docs/api from scratch)', async () => {
    for (const p of packages) {
      rmSync(path.join(p.dir, 'dist'), { recursive: true, force: true });
      rmSync(path.join(p.dir, 'docs', 'api'), { recursive: true, force: true });
    }
    await runPnpm(
      [
        'exec',
        'turbo',
        'run',
        'build',
        '--filter=./packages/*',
        '--force',
        '--output-logs=errors-only',
      ],
      {
        cwd: REPO_ROOT,
      },
    );
  });

  if (!values['skip-checks']) {
    await step('dependency direction', () =>
      runPnpm(['run', '--silent', 'check:deps'], { cwd: REPO_ROOT }),
    );
    await step('tarballs: contents, publint, attw, pack-and-install of each layer', () =>
      runPnpm(
        ['exec', 'vitest', 'run', '--config', 'test/release/vitest.config.ts', 'packages.test.ts'],
        {
          cwd: REPO_ROOT,
        },
      ),
    );
  }

  if (!dryRun) {
    await step(
      'publish (changeset publish: every version not on the registry yet, then git tags)',
      async () => {
        // Interactive: npm may ask for a one-time password.
        const [command, prefix] = pnpmCommand();
        const extra = [
          ...(values.otp ? [`--otp=${values.otp}`] : []),
          ...(values.tag ? ['--tag', values.tag] : []),
        ];
        const result = spawnSync(command, [...prefix, 'exec', 'changeset', 'publish', ...extra], {
          cwd: REPO_ROOT,
          stdio: 'inherit',
        });
        if (result.status !== 0) throw new Error(`changeset publish exited ${result.status}`);
      },
    );
    return;
  }

  for (const p of packages) {
    const { name, version } = p.manifest;
    const state = await registryState(name, version);
    const out = await runPnpm(
      ['publish', '--dry-run', '--no-git-checks', '--access', 'public', '--json'],
      {
        cwd: p.dir,
      },
    );
    const report = JSON.parse(out.stdout) as Record<string, { size?: number; files?: unknown[] }>;
    const packed = report[name] ?? Object.values(report)[0] ?? {};
    const kib = ((packed.size ?? 0) / 1024).toFixed(1);
    process.stdout.write(
      `release: dry run: would publish ${name}@${version} (${state}): ${packed.files?.length ?? '?'} files, ${kib} KiB packed\n`,
    );
  }
  process.stdout.write('release: dry run done, nothing was uploaded.\n');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `release: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`,
  );
  process.exitCode = 1;
});
