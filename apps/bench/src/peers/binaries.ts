import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The Redis programs the tests and the bench run, and the Debian package each comes in. */
export const REDIS_PACKAGES: Readonly<Record<RedisBinary, string>> = {
  'redis-server': 'redis-server',
  'redis-cli': 'redis-tools',
  'redis-benchmark': 'redis-tools',
};

/** A Redis program the tests and the bench may need. */
export type RedisBinary = 'redis-server' | 'redis-cli' | 'redis-benchmark';

/** Every Redis program, in the order {@link findRedisBinaries} checks them by default. */
export const REDIS_BINARIES: readonly RedisBinary[] = [
  'redis-server',
  'redis-cli',
  'redis-benchmark',
];

/** What {@link findRedisBinaries} found. */
export interface RedisBinaries {
  /** Absolute path of each program found. */
  readonly paths: Readonly<Partial<Record<RedisBinary, string>>>;
  /** The programs asked for that are not on PATH. */
  readonly missing: readonly RedisBinary[];
  /**
   * One line naming what is missing and the `apt-get install` that brings it, or `undefined`
   * when nothing is, e.g. `redis-benchmark not on PATH: apt-get install redis-tools`.
   */
  readonly message: string | undefined;
}

/** Thrown by {@link redisSkipReason} under CI when a Redis program is missing. */
export class RedisMissingError extends Error {
  /** Stable code callers branch on. */
  readonly code = 'BENCH_REDIS_MISSING' as const;
  /** The programs that were missing. */
  readonly missing: readonly RedisBinary[];

  /** `message` is the one line of {@link RedisBinaries.message}. */
  constructor(message: string, missing: readonly RedisBinary[]) {
    super(`${message}; CI must have it: .ci/run installs it when it runs as root`);
    this.name = 'RedisMissingError';
    this.missing = missing;
  }
}

/**
 * Absolute path of the executable `name` on `PATH` (as `command -v` finds it), or `undefined`.
 * @default env process.env
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; next folder
    }
  }
  return undefined;
}

/**
 * Looks for `needed` on `PATH`, and says in one line what is missing and which Debian packages
 * bring it.
 * @default needed every Redis program; env process.env
 */
export function findRedisBinaries(
  needed: readonly RedisBinary[] = REDIS_BINARIES,
  env: NodeJS.ProcessEnv = process.env,
): RedisBinaries {
  const paths: Partial<Record<RedisBinary, string>> = {};
  const missing: RedisBinary[] = [];
  for (const name of needed) {
    const path = findOnPath(name, env);
    if (path === undefined) missing.push(name);
    else paths[name] = path;
  }
  const packages = [...new Set(missing.map((m) => REDIS_PACKAGES[m]))];
  const message =
    missing.length === 0
      ? undefined
      : `${missing.join(', ')} not on PATH: apt-get install ${packages.join(' ')}`;
  return { paths, missing, message };
}

/** Whether `env` says this is a CI run (`CI` set to anything but `''`, `0` or `false`). */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI']?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

/**
 * For a test that needs real Redis programs: `undefined` when all of `needed` are on PATH;
 * otherwise the one line saying what is missing and how to install it, to skip the test with
 * (`it.skipIf(reason)`, or `ctx.skip(reason)` to show it).
 * @default needed every Redis program; env process.env
 * @throws RedisMissingError under CI (`CI=true`), where a missing program is a broken machine,
 *   not a reason to skip.
 */
export function redisSkipReason(
  needed: readonly RedisBinary[] = REDIS_BINARIES,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const found = findRedisBinaries(needed, env);
  if (found.message === undefined) return undefined;
  if (underCi(env)) throw new RedisMissingError(found.message, found.missing);
  return found.message;
}
