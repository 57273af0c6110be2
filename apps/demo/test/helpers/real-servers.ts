import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The path of a real server's binary (`redis-server`, `redis-cli`, ...), or `undefined` when it
 * is not installed, so its tests can skip (the root test command prints one line saying so).
 * Under `CI=true` a missing binary throws: CI installs them all (`.ci/run`).
 */
export function realBinary(tool: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  if (process.env['CI'] === 'true') {
    throw new Error(`${tool} is not installed, and CI must run every test: .ci/run installs it.`);
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (the OS picks; the port is closed again before returning). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A running `redis-server`, started by {@link startRedisServer}. */
export interface RedisServer {
  readonly port: number;
  readonly child: ChildProcess;
  /** Kills it (by PID) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on 127.0.0.1 on a free port, in a fresh temp folder, with `extra`
 * settings (e.g. `['--appendonly', 'yes']`); resolves once its log says it accepts connections.
 */
export async function startRedisServer(
  binary: string,
  extra: readonly string[] = [],
): Promise<RedisServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hermes-redis-'));
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer): void => {
      log += data.toString();
      if (log.includes('Ready to accept connections')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log}`)));
  });
  return {
    port,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
