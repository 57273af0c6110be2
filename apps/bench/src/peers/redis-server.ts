import { type ChildProcess, spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRedisBinaries } from './binaries.js';
import { freePort } from './free-port.js';

/** Redis's AOF fsync policy. */
export type Appendfsync = 'always' | 'everysec' | 'no';

/** Starts a child process (the bench passes its run's, which kills it if the run is cut short). */
export type SpawnChild = (
  command: string,
  args: readonly string[],
  options: SpawnOptions,
) => ChildProcess;

/** How {@link startRedisServer} runs redis-server. */
export interface RedisServerOptions {
  /**
   * Data folder (the AOF goes in `<dir>/appendonlydir`). When absent, a fresh folder in the OS
   * temp folder, removed by `stop()`.
   */
  readonly dir?: string;
  /** Whether the AOF is on. @default true */
  readonly appendonly?: boolean;
  /** AOF fsync policy. @default 'everysec' (Redis's own default) */
  readonly appendfsync?: Appendfsync;
  /** Port on 127.0.0.1; a busy one fails the start. @default a free port (retried if taken) */
  readonly port?: number;
  /** The redis-server program. @default redis-server found on PATH */
  readonly binary?: string;
  /** More `--name value` arguments, after the ones above (so they win). @default [] */
  readonly extraArgs?: readonly string[];
  /** Longest wait for "Ready to accept connections". @default 15_000 */
  readonly readyTimeoutMs?: number;
  /** Longest wait for an exit after SIGTERM before SIGKILL. @default 15_000 */
  readonly stopTimeoutMs?: number;
  /** @default child_process.spawn */
  readonly spawn?: SpawnChild;
}

/** A redis-server started by {@link startRedisServer}, ready for connections. */
export interface RedisServer {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its data folder. */
  readonly dir: string;
  /** The arguments it was started with. */
  readonly args: readonly string[];
  /** Everything it logged (stdout and stderr) so far; the last 64 KiB. */
  log(): string;
  /** Resolves with its exit code, or the signal's name, once it has exited. */
  readonly exited: Promise<number | string>;
  /**
   * Sends SIGTERM to its pid (Redis then fsyncs its AOF and exits), waits for the exit (SIGKILL
   * after `stopTimeoutMs`), and removes the data folder if it was a temp one made for it.
   * Idempotent.
   */
  stop(): Promise<void>;
}

/** Thrown by {@link startRedisServer} when redis-server is missing, exits or is not ready in time. */
export class RedisStartError extends Error {
  /** Stable code callers branch on. */
  readonly code = 'BENCH_REDIS_START' as const;

  /** `message` says what happened and ends with the tail of the server's log. */
  constructor(message: string) {
    super(message);
    this.name = 'RedisStartError';
  }
}

const READY = 'Ready to accept connections';
const PORT_TAKEN = 'Address already in use';
const LOG_LIMIT = 64 * 1024;
const HOST = '127.0.0.1';

/**
 * Starts `redis-server` on 127.0.0.1 with its data in `dir`, `--save ''` (no RDB snapshots) and
 * the AOF policy asked for, and resolves once it logs that it accepts connections (read from its
 * log, no polling). Stop it with `stop()`.
 * @throws RedisStartError when redis-server is not installed, exits early (a busy port is
 *   retried twice when the port was picked here), or is not ready within `readyTimeoutMs`.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? findRedisBinaries(['redis-server']).paths['redis-server'];
  if (binary === undefined)
    throw new RedisStartError(`${findRedisBinaries(['redis-server']).message}`);
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'hermes-redis-')));
  try {
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort(HOST));
      try {
        return await launch(binary, port, dir, ownDir, options);
      } catch (error) {
        const retry =
          options.port === undefined && attempt < 3 && String(error).includes(PORT_TAKEN);
        if (!retry) throw error;
      }
    }
  } catch (error) {
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function argsFor(port: number, dir: string, options: RedisServerOptions): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--dir',
    dir,
    '--appendonly',
    options.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    options.appendfsync ?? 'everysec',
    '--save',
    '',
    '--daemonize',
    'no',
    ...(options.extraArgs ?? []),
  ];
}

async function launch(
  binary: string,
  port: number,
  dir: string,
  ownDir: boolean,
  options: RedisServerOptions,
): Promise<RedisServer> {
  const args = argsFor(port, dir, options);
  const child = (options.spawn ?? nodeSpawn)(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (text: string): void => {
    log += text;
    if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
  };
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new RedisStartError(`redis-server on port ${port} ${why}: ${log.slice(-1500)}`));
    };
    const timeoutMs = options.readyTimeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`was not ready within ${timeoutMs} ms`);
    }, timeoutMs);
    const onData = (text: string): void => {
      append(text);
      if (log.includes(READY)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('error', (error) => fail(`could not start (${error.message})`));
    void exited.then((how) => fail(`exited (${how}) before it was ready`));
  });
  const pid = child.pid!;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // it exited between the check and the signal; `exited` resolves all the same
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  return {
    pid,
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    dir,
    args,
    log: () => log,
    exited,
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
