import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RecoveryMode } from '@hermes/wal';
import { Command, CommanderError, Option } from 'commander';
import {
  DEFAULT_MAX_BATCH_BODY_BYTES,
  DEFAULT_MAX_BATCH_OPS,
  DEFAULT_MAX_KEY_BYTES,
  DEFAULT_MAX_VALUE_BYTES,
} from './app-options.js';
import { isLoopback, MIN_TOKEN_LENGTH } from './auth.js';
import type { ServiceConfig, StoreKind } from './config.js';
import { parseLog } from './log-flag.js';
import {
  ConfigError,
  parseBytes,
  parseInteger,
  parseSync,
  type SyncSetting,
} from './parse-values.js';
import { DEFAULT_DRAIN_MS } from './refused-body.js';
import { VERSION } from './version.js';

/** What {@link parseCli} decided: run with a config, or exit (after `--help`, or a bad flag). */
export type CliResult =
  | { readonly kind: 'run'; readonly config: ServiceConfig }
  | {
      readonly kind: 'exit';
      readonly code: number;
      readonly stdout: string;
      readonly stderr: string;
    };

interface Flag {
  readonly flags: string;
  readonly name: string;
  readonly env: string;
  readonly help: string;
  readonly fallback: string;
  readonly choices?: readonly string[];
}

const FLAGS: readonly Flag[] = [
  {
    flags: '--host <host>',
    name: 'host',
    env: 'HERMES_HOST',
    help: 'interface to listen on',
    fallback: '127.0.0.1',
  },
  {
    flags: '--port <port>',
    name: 'port',
    env: 'HERMES_PORT',
    help: 'port to listen on; 0 picks a free one',
    fallback: '8080',
  },
  {
    flags: '--resp-port <port|off>',
    name: 'respPort',
    env: 'HERMES_RESP_PORT',
    help: 'also answer the Redis protocol on this port (e.g. 6380; 0 picks a free one)',
    fallback: 'off',
  },
  {
    flags: '--resp-host <host>',
    name: 'respHost',
    env: 'HERMES_RESP_HOST',
    help: 'interface of the Redis protocol: loopback only, as it has no authentication yet',
    fallback: '127.0.0.1',
  },
  {
    flags: '--resp-max-clients <n>',
    name: 'respMaxClients',
    env: 'HERMES_RESP_MAX_CLIENTS',
    help: 'most Redis connections at once; more get "max number of clients reached"',
    fallback: '10000',
  },
  {
    flags: '--auth-token <token>',
    name: 'authToken',
    env: 'HERMES_AUTH_TOKEN',
    help: 'the token clients must present (HTTP Authorization: Bearer, Redis AUTH); at least 16 characters; prefer the file or the variable, a flag shows in ps',
    fallback: '',
  },
  {
    flags: '--auth-token-file <file>',
    name: 'authTokenFile',
    env: 'HERMES_AUTH_TOKEN_FILE',
    help: 'read the token from this file (its first line)',
    fallback: '',
  },
  {
    flags: '--insecure <on|off>',
    name: 'insecure',
    env: 'HERMES_INSECURE',
    help: 'accept listening beyond loopback with no token: anyone who reaches the port reads and changes every key',
    fallback: 'off',
    choices: ['on', 'off'],
  },
  {
    flags: '--log <local|urls>',
    name: 'log',
    env: 'HERMES_LOG',
    help: 'where writes go: local (the log in --data-dir), or nats://host:port[,nats://host:port...], the client URLs of a NATS JetStream cluster: this process is then one replica of the stream (--stream) that every replica follows',
    fallback: 'local',
  },
  {
    flags: '--stream <name>',
    name: 'stream',
    env: 'HERMES_STREAM',
    help: 'with --log nats://: the JetStream stream of the replicated log (created with 3 replicas if missing)',
    fallback: 'hermes',
  },
  {
    flags: '--data-dir <dir>',
    name: 'dataDir',
    env: 'HERMES_DATA_DIR',
    help: 'data folder (the log), relative to the working directory; not used with --log nats://',
    fallback: './data',
  },
  {
    flags: '--backup-dir <dir|off>',
    name: 'backupDir',
    env: 'HERMES_BACKUP_DIR',
    help: 'folder under which POST /admin/backup writes named backups (relative to the working directory; not inside --data-dir); local log only',
    fallback: 'off',
  },
  {
    flags: '--sync <policy>',
    name: 'sync',
    env: 'HERMES_SYNC',
    help: 'always (fsync before acknowledging), everysec, or a period from 1ms to 1h like 250ms, 2s, 1m; does not apply with --log nats:// (JetStream acknowledges once a quorum stored a write)',
    fallback: 'always',
  },
  {
    flags: '--recovery <mode>',
    name: 'recovery',
    env: 'HERMES_RECOVERY',
    help: 'what start-up does with a damaged local log: tolerate-tail cuts a torn final record and refuses damage before it; strict refuses any damage; salvage skips damaged records (lost) and serves every intact one',
    fallback: 'tolerate-tail',
    choices: ['strict', 'tolerate-tail', 'salvage'],
  },
  {
    flags: '--store <kind>',
    name: 'store',
    env: 'HERMES_STORE',
    help: 'in-memory store under the log',
    fallback: 'sharded',
    choices: ['locked', 'sharded'],
  },
  {
    flags: '--shards <n>',
    name: 'shards',
    env: 'HERMES_SHARDS',
    help: 'shards of the sharded store',
    fallback: '16',
  },
  {
    flags: '--max-value-bytes <size>',
    name: 'maxValueBytes',
    env: 'HERMES_MAX_VALUE_BYTES',
    help: 'largest value (bytes, or KiB/MiB/GiB, KB/MB/GB); larger PUTs get 413',
    fallback: `${DEFAULT_MAX_VALUE_BYTES / 1024 ** 2}MiB`,
  },
  {
    flags: '--max-key-bytes <size>',
    name: 'maxKeyBytes',
    env: 'HERMES_MAX_KEY_BYTES',
    help: 'largest key in UTF-8 bytes; longer keys get 400',
    fallback: String(DEFAULT_MAX_KEY_BYTES),
  },
  {
    flags: '--max-batch-ops <n>',
    name: 'maxBatchOps',
    env: 'HERMES_MAX_BATCH_OPS',
    help: 'most operations in one POST /batch',
    fallback: String(DEFAULT_MAX_BATCH_OPS),
  },
  {
    flags: '--max-batch-bytes <size>',
    name: 'maxBatchBytes',
    env: 'HERMES_MAX_BATCH_BYTES',
    help: 'largest POST /batch body',
    fallback: `${DEFAULT_MAX_BATCH_BODY_BYTES / 1024 ** 2}MiB`,
  },
  {
    flags: '--discard-bytes <size>',
    name: 'discardBytes',
    env: 'HERMES_DISCARD_BYTES',
    help: 'most bytes of an over-limit body read and thrown away after its 413, so the client reads the 413; past it the connection is cut',
    fallback: '1GiB',
  },
  {
    flags: '--discard-ms <ms>',
    name: 'discardMs',
    env: 'HERMES_DISCARD_MS',
    help: 'longest time spent throwing away an over-limit body after its 413',
    fallback: String(DEFAULT_DRAIN_MS),
  },
  {
    flags: '--shutdown-timeout <ms>',
    name: 'shutdownTimeout',
    env: 'HERMES_SHUTDOWN_TIMEOUT',
    help: 'how long SIGINT/SIGTERM may take before a forced exit (code 1)',
    fallback: '10000',
  },
  {
    flags: '--auto-compact <on|off>',
    name: 'autoCompact',
    env: 'HERMES_AUTO_COMPACT',
    help: 'compact the log when it outgrows the live data (default on; off on a replicated log, where one replica with it on is enough)',
    fallback: 'on',
    choices: ['on', 'off'],
  },
];

/**
 * Parses the command line (`argv` without `node` and the script; a leading `--`, as pnpm passes
 * on, is dropped) and the `HERMES_*` environment variables; a flag wins over its variable.
 * Relative `--data-dir` resolves against `cwd`. Never exits the process: `--help` and bad flags
 * come back as `{ kind: 'exit' }`.
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliResult {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let stdout = '';
  let stderr = '';
  const program = new Command('hermes')
    .description('Hermes: a durable key-value store over HTTP, on a checksummed write-ahead log.')
    .helpOption('-h, --help', 'show this help')
    .version(`hermes ${VERSION}`, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) })
    .allowExcessArguments(false);
  for (const flag of FLAGS) {
    const option = new Option(flag.flags, `${flag.help} (env: ${flag.env})`).default(flag.fallback);
    if (flag.choices) option.choices(flag.choices);
    program.addOption(option);
  }
  try {
    program.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return { kind: 'exit', code: error.exitCode === 0 ? 0 : 2, stdout, stderr };
    }
    throw error;
  }
  /** The flag or variable a value came from, as errors name it. */
  const names: Record<string, string> = {};
  /** The flags set on the command line or through their variable (not left at the default). */
  const given = new Set<string>();
  const raw = (flag: Flag): string => {
    const fromCli = program.getOptionValueSource(flag.name) === 'cli';
    const envValue = env[flag.env];
    names[flag.name] = flag.flags.split(' ')[0]!;
    if (fromCli) given.add(flag.name);
    if (!fromCli && envValue !== undefined && envValue !== '') {
      names[flag.name] = flag.env;
      given.add(flag.name);
      if (flag.choices && !flag.choices.includes(envValue)) {
        throw new ConfigError(
          `${flag.env} "${envValue}" must be one of ${flag.choices.join(', ')}.`,
        );
      }
      return envValue;
    }
    return String(program.getOptionValue(flag.name));
  };
  try {
    const v = Object.fromEntries(FLAGS.map((f) => [f.name, raw(f)])) as Record<string, string>;
    const authToken = readToken(v['authToken']!, v['authTokenFile']!, cwd);
    const insecure = v['insecure'] === 'on';
    const log = parseLog(
      v['log']!,
      names['log']!,
      v['stream']!,
      names['stream']!,
      given.has('stream'),
    );
    if (log.kind === 'nats') refuseLocalOnly(v, names, given);
    const config: ServiceConfig = {
      host: reachableHost(v['host']!, names['host']!, authToken, insecure),
      port: parseInteger(v['port']!, names['port']!, 0, 65535),
      respPort:
        v['respPort'] === 'off'
          ? undefined
          : parseInteger(v['respPort']!, names['respPort']!, 0, 65535),
      respHost: reachableHost(v['respHost']!, names['respHost']!, authToken, insecure),
      respMaxClients: parseInteger(v['respMaxClients']!, names['respMaxClients']!, 1, 1_000_000),
      log,
      dataDir: path.resolve(cwd, v['dataDir']!),
      backupDir: backupFolder(
        v['backupDir']!,
        names['backupDir']!,
        path.resolve(cwd, v['dataDir']!),
        cwd,
      ),
      sync: log.kind === 'nats' ? QUORUM : parseSync(v['sync']!, names['sync']),
      recovery: v['recovery'] as RecoveryMode,
      store: v['store'] as StoreKind,
      shards: parseInteger(v['shards']!, names['shards']!, 1, 4096),
      maxValueBytes: parseBytes(v['maxValueBytes']!, names['maxValueBytes']!),
      maxKeyBytes: parseBytes(v['maxKeyBytes']!, names['maxKeyBytes']!),
      maxBatchOps: parseInteger(v['maxBatchOps']!, names['maxBatchOps']!, 1, 1_000_000),
      maxBatchBytes: parseBytes(v['maxBatchBytes']!, names['maxBatchBytes']!),
      discardBytes: parseBytes(v['discardBytes']!, names['discardBytes']!),
      discardMs: parseInteger(v['discardMs']!, names['discardMs']!, 1, 3_600_000),
      shutdownTimeoutMs: parseInteger(
        v['shutdownTimeout']!,
        names['shutdownTimeout']!,
        1,
        3_600_000,
      ),
      // On a replicated log every replica would compact the same stream: on only when asked.
      autoCompact: v['autoCompact'] === 'on' && (log.kind === 'local' || given.has('autoCompact')),
      authToken,
      insecure,
    };
    return { kind: 'run', config };
  } catch (error) {
    if (error instanceof ConfigError) {
      return { kind: 'exit', code: 2, stdout: '', stderr: `hermes: ${error.message}\n` };
    }
    throw error;
  }
}

/** What `sync` reads on a replicated log: a write is acknowledged once a quorum stored it. */
const QUORUM: SyncSetting = { ms: 0, label: 'quorum' };

/**
 * Refuses, on a replicated log, the flags that only a local log has (set explicitly, by flag or
 * variable): `--data-dir`, `--sync`, `--recovery` and `--backup-dir <dir>` (their `off` is
 * harmless).
 */
function refuseLocalOnly(
  v: Record<string, string>,
  names: Record<string, string>,
  given: ReadonlySet<string>,
): void {
  const why: Record<string, string> = {
    dataDir: 'the log is the stream, not a folder',
    sync: "JetStream acknowledges a write once a quorum of the stream's replicas stored it",
    recovery: 'replay reads the stream, which has no torn tail; a damaged message stops the log',
    backupDir:
      "POST /admin/backup copies a local log; back up the stream with NATS's own tools, e.g. nats stream backup",
  };
  for (const [flag, reason] of Object.entries(why)) {
    if (!given.has(flag) || v[flag] === 'off') continue;
    throw new ConfigError(
      `${names[flag]} does not apply with ${names['log']} nats://... (${reason}): drop ${names[flag]}, or use --log local.`,
    );
  }
}

/**
 * A host to listen on: one beyond loopback is refused unless a token is set or `--insecure` was
 * given (as Redis's protected mode), since anyone who reaches it could read and change every key.
 */
function reachableHost(
  host: string,
  flag: string,
  token: string | undefined,
  insecure: boolean,
): string {
  if (isLoopback(host) || token !== undefined || insecure) return host;
  throw new ConfigError(
    `${flag} "${host}" is reachable from other machines and no token is set: anyone who reaches it could read and change every key. Set a token (--auth-token-file <file>, or HERMES_AUTH_TOKEN), or pass --insecure on to accept the risk.`,
  );
}

/** The backup folder, resolved, or `undefined` for `off`; refused inside the data folder. */
function backupFolder(
  value: string,
  flag: string,
  dataDir: string,
  cwd: string,
): string | undefined {
  if (value === 'off') return undefined;
  const dir = path.resolve(cwd, value);
  const inside = path.relative(dataDir, dir);
  const outside = inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside);
  if (!outside) {
    throw new ConfigError(
      `${flag} "${value}" is inside the data folder ${dataDir}: the log would take a backup for a file it does not know and refuse to open. Put backups in another folder.`,
    );
  }
  return dir;
}

/** The token from `--auth-token` or the first line of `--auth-token-file` (not both), checked. */
function readToken(given: string, file: string, cwd: string): string | undefined {
  if (given !== '' && file !== '') {
    throw new ConfigError('Give the token once: --auth-token or --auth-token-file, not both.');
  }
  let token = given;
  if (file !== '') {
    try {
      token = (readFileSync(path.resolve(cwd, file), 'utf8').split(/\r?\n/)[0] ?? '').trim();
    } catch (error) {
      throw new ConfigError(
        `--auth-token-file "${file}" cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): give a readable file whose first line is the token.`,
      );
    }
  }
  if (token === '') return undefined;
  if (token.length < MIN_TOKEN_LENGTH || [...token].some((c) => c.charCodeAt(0) <= 32)) {
    throw new ConfigError(
      `The auth token must be at least ${MIN_TOKEN_LENGTH} characters with no spaces or control characters (e.g. the output of: openssl rand -hex 32).`,
    );
  }
  return token;
}

/**
 * The folder relative paths resolve against: the shell's folder when run as this app's `start`
 * script (`pnpm --dir apps/demo start` changes into `apps/demo` but sets `INIT_CWD` to where the
 * user typed it), else the process's working directory.
 */
export function userCwd(env: NodeJS.ProcessEnv, cwd: string): string {
  const init = env['INIT_CWD'];
  const asStartScript =
    env['npm_lifecycle_event'] === 'start' && env['npm_package_name'] === '@hermes/demo';
  return asStartScript && init !== undefined && init !== '' ? init : cwd;
}
