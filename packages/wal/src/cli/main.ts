import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { RecordLimits } from '@hermes/record';
import { WalError } from '../errors.js';
import { BACKUP_HELP, backup } from './backup.js';
import { DUMP_HELP, dump } from './dump.js';
import { IMPORT_HELP, importCommand } from './import.js';
import { type CliIo, Exit } from './io.js';
import { LIMITS_HELP, limitOptions, limitsFrom } from './limits.js';
import { REPAIR_HELP, repair } from './repair.js';
import { SALVAGE_HELP, salvage } from './salvage.js';
import { UNLOCK_HELP, unlock } from './unlock.js';
import { VERIFY_HELP, verify } from './verify.js';

/** This package's version, as `hermes-wal --version` prints it. */
export const VERSION: string = (
  createRequire(import.meta.url)('../../package.json') as { version: string }
).version;

/** Help text of `hermes-wal` itself. */
export const MAIN_HELP = `Usage: hermes-wal <command> <dir> [options]

Inspect and repair a Hermes write-ahead log directory.

Commands:
  verify <dir>          replay read-only and report damage (exit 0 clean, 1 torn tail, 2 corrupt)
  dump <dir> [--json]   print every record with its file and offset
  repair <dir>          cut a torn tail (kept in a .broken file), under the directory's lock
  salvage <dir> [--json]
                        rewrite the log without its damaged records (kept in .salvaged files)
  unlock <dir>          remove a LOCK whose holder is gone, saying what it checked [--force]
  import <seed-log> <dir>
                        migrate a log of the seed's format into a new checksummed log
  backup <dir> <target> [--json]
                        copy a log no process holds into a new directory that opens as a log

Run \`hermes-wal <command> --help\` for details; \`hermes-wal --version\` prints the version.
Exit status 64 means a usage error.
`;

const HELP: Record<string, string> = {
  verify: VERIFY_HELP,
  dump: DUMP_HELP,
  repair: REPAIR_HELP,
  salvage: SALVAGE_HELP,
  unlock: UNLOCK_HELP,
  import: IMPORT_HELP,
  backup: BACKUP_HELP,
};

/** What the commands that take two paths expect, for their usage error. */
const TWO_PATHS: Record<string, string> = {
  import: '<seed-log-file> and <dir>',
  backup: '<dir> and <target>',
};

/** The flags each command takes besides `--help` and the `--max-*` limits. */
const FLAGS: Record<string, readonly string[]> = {
  dump: ['json'],
  salvage: ['json'],
  unlock: ['force'],
  import: ['non-utf8-keys'],
  backup: ['json'],
};

function describe(error: unknown): string {
  if (error instanceof WalError) return `${error.code}: ${error.message}`;
  const e = error as NodeJS.ErrnoException | null;
  if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return `cannot read the log: ${e.message}`;
  return e instanceof Error ? e.message : String(error);
}

/** Runs `hermes-wal` with `args` (without `node` and the script); resolves the exit status. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    await (command === undefined ? io.err(MAIN_HELP) : io.out(MAIN_HELP));
    return command === undefined ? Exit.usage : Exit.ok;
  }
  if (command === '--version' || command === '-V') {
    await io.out(`hermes-wal ${VERSION}\n`);
    return Exit.ok;
  }
  const help = HELP[command];
  if (help === undefined) {
    await io.err(`hermes-wal: unknown command '${command}'\n\n${MAIN_HELP}`);
    return Exit.usage;
  }
  let parsed: ReturnType<typeof parse>;
  let limits: RecordLimits;
  try {
    parsed = parse(rest, FLAGS[command] ?? []);
    limits = limitsFrom(parsed.values);
  } catch (error) {
    await io.err(`hermes-wal ${command}: ${describe(error)}\n\n${help}`);
    return Exit.usage;
  }
  if (parsed.values.help === true) {
    await io.out(`${help}\n${LIMITS_HELP}`);
    return Exit.ok;
  }
  const wanted = TWO_PATHS[command] === undefined ? 1 : 2;
  const dir = parsed.positionals[wanted - 1];
  if (dir === undefined || parsed.positionals.length > wanted) {
    const what = TWO_PATHS[command] ?? 'exactly one <dir>';
    await io.err(`hermes-wal ${command}: expected ${what}\n\n${help}`);
    return Exit.usage;
  }
  try {
    if (command === 'import') {
      const keys = parsed.values['non-utf8-keys'];
      return await importCommand(parsed.positionals[0]!, dir, keys, limits, io);
    }
    if (command === 'backup') {
      const [source, target] = parsed.positionals as [string, string];
      return await backup(source, target, parsed.values.json === true, limits, io);
    }
    if (command === 'verify') return await verify(dir, limits, io);
    if (command === 'dump') return await dump(dir, parsed.values.json === true, limits, io);
    if (command === 'unlock') return await unlock(dir, parsed.values.force === true, io);
    if (command === 'salvage') return await salvage(dir, parsed.values.json === true, limits, io);
    return await repair(dir, limits, io);
  } catch (error) {
    await io.err(`hermes-wal ${command}: ${describe(error)}\n`);
    return Exit.attention;
  }
}

function parse(args: readonly string[], flags: readonly string[]) {
  const parsed = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      force: { type: 'boolean' },
      'non-utf8-keys': { type: 'string' },
      ...limitOptions,
    },
  });
  for (const flag of ['json', 'force', 'non-utf8-keys'] as const) {
    if (!flags.includes(flag) && parsed.values[flag] !== undefined) {
      throw new Error(`Unknown option '--${flag}'`);
    }
  }
  return parsed;
}
