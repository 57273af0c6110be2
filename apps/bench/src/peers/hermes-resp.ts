import { existsSync } from 'node:fs';
import { nodeArgs } from '../core/child.js';
import { demoEntry } from '../scenarios/demo.js';
import { freePort } from './free-port.js';
import type { SpawnChild } from './redis-server.js';

/** A server that speaks RESP on `host:port`, as the resp rows drive it. */
export interface RespServer {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  /** Stops it (SIGTERM to its pid) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Thrown by {@link startHermesResp} when the demo service has no `--resp-port` flag. */
export class RespUnsupportedError extends Error {
  /** Stable code callers branch on. */
  readonly code = 'BENCH_NO_RESP' as const;

  /** `detail` is what the service printed. */
  constructor(detail: string) {
    super(`the demo service has no RESP front (--resp-port): ${detail}`);
    this.name = 'RespUnsupportedError';
  }
}

/** How {@link startHermesResp} runs the demo service. */
export interface HermesRespOptions {
  /** `--sync` of the service. */
  readonly sync: 'always' | 'everysec';
  /** Its `--data-dir`: a fresh, empty folder. */
  readonly dir: string;
  /** How to start the child (the bench's, which kills it if the run is cut short). */
  readonly spawn: SpawnChild;
  /** The service's entry point. @default the demo's `src/main.ts` from source, else `dist/main.js` */
  readonly entry?: string;
  /** Longest wait for the start-up line. @default 60_000 */
  readonly readyTimeoutMs?: number;
  /** Longest wait for an exit after SIGTERM before SIGKILL. @default 30_000 */
  readonly stopTimeoutMs?: number;
}

/**
 * The RESP address on a start-up line (`... | resp redis://127.0.0.1:6380 | ...`), or
 * `undefined` when the line names none.
 */
export function respAddress(line: string): { host: string; port: number } | undefined {
  const m = /\bredis:\/\/(\[[^\]\s]+\]|[^\s|/:]+):(\d+)/.exec(line);
  if (!m) return undefined;
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}

/** Whether a service's stderr says it does not know `--resp-port` (commander's wording). */
export function refusedRespFlag(stderr: string): boolean {
  return /unknown option '--resp-port'/.test(stderr);
}

/**
 * Starts the Hermes service (`apps/demo`) as a child with its RESP front: `--port 0 --data-dir
 * <dir> --sync <sync> --resp-port <a free port>`, and resolves once it printed its start-up
 * line. The RESP address is read from that line (`redis://host:port`) when it names one, else
 * it is the port passed. Retries twice when that port was taken meanwhile.
 * @throws RespUnsupportedError when the service does not know `--resp-port`; Error when the
 *   service is not built, exits before its start-up line, or does not print it in time.
 */
export async function startHermesResp(options: HermesRespOptions): Promise<RespServer> {
  const entry = options.entry ?? demoEntry();
  if (!existsSync(entry))
    throw new Error(`the demo service is not built: ${entry} is missing (run pnpm build)`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(entry, await freePort(), options);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE|already in use/.test(String(error))) throw error;
    }
  }
}

async function launch(
  entry: string,
  port: number,
  options: HermesRespOptions,
): Promise<RespServer> {
  const args = nodeArgs([
    entry,
    '--port',
    '0',
    '--data-dir',
    options.dir,
    '--sync',
    options.sync,
    '--resp-port',
    String(port),
  ]);
  const child = options.spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let line: string | undefined;
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-16_384);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const startup = await new Promise<string>((resolve, reject) => {
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`hermes --sync ${options.sync} printed no start-up line in ${timeoutMs} ms`),
      );
    }, timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (line !== undefined) return; // later output is drained, not kept
      out += d;
      const end = out.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        line = out.slice(0, end);
        resolve(line);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(
        refusedRespFlag(err)
          ? new RespUnsupportedError(err.trim())
          : new Error(`hermes --sync ${options.sync} exited (${how}) before listening: ${err}`),
      );
    });
  });
  const address = respAddress(startup) ?? { host: '127.0.0.1', port };
  const pid = child.pid!;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // it exited between the check and the signal; `exited` resolves all the same
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 30_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid,
    ...address,
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
