import path from 'node:path';
import { LOCK_FILE, salvageable, type WalCorruptError } from '@hermes/wal';
import { parseCli, userCwd } from './cli.js';
import type { ServiceConfig } from './config.js';
import { isCode } from './error-codes.js';
import { type RunningService, startService } from './service.js';

/** Exit code when the data folder is locked by another process. */
export const EXIT_LOCKED = 3;
/** Exit code when no server of `--log nats://...` could be reached. */
export const EXIT_LOG_UNREACHABLE = 4;

/**
 * Runs the service from the command line: parses flags and `HERMES_*` variables, starts, prints
 * one line, and shuts down gracefully on SIGINT/SIGTERM (exit 0), or exits 1 when that takes
 * longer than `--shutdown-timeout` or a second signal arrives. Exits 2 on a bad flag, 3 when
 * another process holds the data folder and 4 when no server of `--log nats://...` answers.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const parsed = parseCli(argv, process.env, userCwd(process.env, process.cwd()));
  if (parsed.kind === 'exit') {
    process.stdout.write(parsed.stdout);
    process.stderr.write(parsed.stderr);
    process.exitCode = parsed.code;
    return;
  }
  const { config } = parsed;
  // Handlers go in before anything else, so a signal is never met by the default action
  // (immediate death) once the start-up line has been printed, or while the store opens.
  const shutdown = gracefulShutdown(config.shutdownTimeoutMs);
  let service: RunningService;
  try {
    service = await startService(config, { stderr: process.stderr });
  } catch (error) {
    process.stderr.write(`${startFailure(error, config)}\n`);
    process.exit(exitCodeOf(error));
  }
  process.stdout.write(`${service.line}\n`);
  shutdown.ready(service);
}

/**
 * Installs the SIGINT/SIGTERM handlers: the first signal closes the service (at once, or as
 * soon as it has started) and exits 0, or 1 if that fails or outlasts `timeoutMs`; a second
 * signal exits 1 at once.
 */
function gracefulShutdown(timeoutMs: number): { ready(service: RunningService): void } {
  let service: RunningService | undefined;
  let stopping = false;
  const close = (running: RunningService): void => {
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `hermes: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`hermes: ${signal} again, exiting now without a clean shutdown\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`hermes: ${signal}, shutting down (finishing requests, final fsync)\n`);
    setTimeout(() => {
      process.stderr.write(`hermes: shutdown took longer than ${timeoutMs} ms, exiting\n`);
      process.exit(1);
    }, timeoutMs).unref();
    if (service) close(service);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    ready(running) {
      service = running;
      if (stopping) close(running);
    },
  };
}

function startFailure(error: unknown, config: ServiceConfig): string {
  const message = error instanceof Error ? error.message : String(error);
  switch (codeOf(error)) {
    case 'WAL_LOCKED':
      return (
        `hermes: the data folder ${config.dataDir} is in use: its lock ${path.join(config.dataDir, LOCK_FILE)} ` +
        `is held (${message}). If that holder runs, stop it or start this one with another --data-dir; ` +
        `if it is gone, \`hermes-wal unlock ${config.dataDir}\` (the @hermes/wal command) checks and removes the lock.`
      );
    case 'EADDRINUSE':
      return `hermes: ${config.host}:${config.port} is already in use; stop what listens there or pick another --port.`;
    case 'WAL_CORRUPT':
      return corruptFailure(message, error as WalCorruptError, config);
    case 'JETSTREAM_UNREACHABLE':
    case 'JETSTREAM_STREAM_MISMATCH':
    case 'JETSTREAM_BAD_MESSAGE':
    case 'JETSTREAM_TIMEOUT':
      return replicatedFailure(message, config);
    default:
      return `hermes: could not start: ${message}`;
  }
}

/**
 * Why a damaged log stopped the start, and the flag and command that get past it: the log's own
 * message names the file and the offset; `hermes-wal salvage` is named only for damage it can drop.
 */
function corruptFailure(message: string, error: WalCorruptError, config: ServiceConfig): string {
  const strict =
    config.recovery === 'strict'
      ? ' Under --recovery strict even a torn final record refuses; the default, --recovery ' +
        'tolerate-tail, cuts one (keeping its bytes in a .broken file).'
      : '';
  const command = salvageable(error)
    ? `; or first run \`hermes-wal salvage ${config.dataDir}\`, which rewrites the log without ` +
      'them (keeping their bytes in .salvaged files), then start as before'
    : '';
  return (
    `hermes: the log in ${config.dataDir} is damaged and was not opened (--recovery ${config.recovery}): ` +
    `${message}${strict} To serve every intact record anyway, start with --recovery salvage ` +
    '(or HERMES_RECOVERY=salvage): it skips the damaged records, which are lost, and leaves their ' +
    `bytes in place${command}.`
  );
}

/** Why the replicated log of `--log nats://...` did not open, naming the flag and the stream. */
function replicatedFailure(message: string, config: ServiceConfig): string {
  const where =
    config.log.kind === 'nats'
      ? `--log ${config.log.servers.join(',')} (stream ${config.log.stream})`
      : '--log';
  return `hermes: the replicated log of ${where} did not open: ${message} Check that the cluster runs and that --log (or HERMES_LOG) names its client URLs.`;
}

/** The exit code of a failed start: 3 for a locked folder, 4 for an unreachable cluster, else 1. */
function exitCodeOf(error: unknown): number {
  const code = codeOf(error);
  if (isCode(code, 'WAL_LOCKED')) return EXIT_LOCKED;
  if (isCode(code, 'JETSTREAM_UNREACHABLE')) return EXIT_LOG_UNREACHABLE;
  return 1;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

await main(process.argv.slice(2));
