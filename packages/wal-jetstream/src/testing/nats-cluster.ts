import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The path of `nats-server` on `PATH`, or `undefined` when it is not installed, so that tests
 * needing it can skip (the root `pnpm test` prints one line saying so).
 * @throws Error under `CI=true` when it is missing: CI installs it (`.ci/run`), every test runs.
 */
export function findNatsServer(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  if (process.env['CI'] === 'true') {
    throw new Error(
      'nats-server is not installed, and CI must run every test: .ci/run installs it (apt-get install nats-server).',
    );
  }
  return undefined;
}

/** Options of {@link startNatsCluster}. */
export interface NatsClusterOptions {
  /** How many `nats-server -js` processes. @default 3 */
  readonly nodes?: number;
  /** The server binary. @default findNatsServer() */
  readonly binary?: string;
  /** Folder for the nodes' stores (one sub-folder each), kept by `stop()`. @default a fresh temp folder, removed by `stop()` */
  readonly dir?: string;
  /** `--cluster_name`. @default 'hermes' */
  readonly clusterName?: string;
  /** More server flags for every node (e.g. `['--max_payload', '65536']`). @default [] */
  readonly args?: readonly string[];
  /** Bound on each wait for a node's log to say it is ready. @default 30000 */
  readonly readyTimeoutMs?: number;
}

/** One `nats-server` of a {@link NatsCluster}. */
export interface NatsNode {
  /** Server name (`-n`): `n1`, `n2`, ... */
  readonly name: string;
  /** Client port on 127.0.0.1. */
  readonly port: number;
  /** Route (cluster) port on 127.0.0.1. */
  readonly routePort: number;
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its JetStream store folder (`-sd`). */
  readonly storeDir: string;
  /** PID of the running process, or `undefined` while stopped. */
  readonly pid: number | undefined;
  /** The last lines it logged (at most 64 KiB), for error messages. */
  log(): string;
  /**
   * Sends `signal` (by PID; default SIGKILL) and resolves once the process exited; one still
   * running after `readyTimeoutMs` gets SIGKILL. No-op when stopped.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Starts it again (same ports, same store) after `kill`; resolves once it accepts clients.
   * Wait for {@link NatsCluster.ready} before using JetStream.
   * @throws Error with its log if it exits or is not ready within `readyTimeoutMs`.
   */
  start(): Promise<void>;
}

/** A local JetStream cluster started by {@link startNatsCluster}. */
export interface NatsCluster {
  readonly nodes: readonly NatsNode[];
  /** Every node's client URL, for a client's `servers` option. */
  readonly servers: readonly string[];
  /** The folder holding every node's store. */
  readonly dir: string;
  /**
   * Resolves once every running node logged, since it last started, that the JetStream meta
   * group has a leader (so streams can be created).
   * @throws Error with the logs if that takes longer than `readyTimeoutMs`.
   */
  ready(): Promise<void>;
  /** Kills every node (SIGTERM, by PID), waits for them to exit, removes a temp folder. */
  stop(): Promise<void>;
}

const MAX_LOG_CHARS = 64 * 1024;
const META_LEADER =
  /JetStream cluster new metadata leader|Self is new JetStream cluster metadata leader/;
const READY = /Server is ready/;

/** Children still running, killed when this process exits so that none is left behind. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** `count` distinct free TCP ports on 127.0.0.1 (held open together, then closed, so all differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  try {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', resolve);
          }),
      ),
    );
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

/** One node's process and log; see {@link NatsNode}. */
class Node implements NatsNode {
  readonly name: string;
  readonly port: number;
  readonly routePort: number;
  readonly url: string;
  readonly storeDir: string;
  readonly #binary: string;
  readonly #args: readonly string[];
  readonly #timeoutMs: number;
  #child: ChildProcess | undefined;
  #log = '';
  /** Where in `#log` the current run's lines start (lines before belong to an earlier run). */
  #runStart = 0;
  #partial = '';
  readonly #listeners = new Set<() => void>();

  constructor(
    name: string,
    ports: { port: number; routePort: number },
    storeDir: string,
    binary: string,
    args: readonly string[],
    timeoutMs: number,
  ) {
    this.name = name;
    this.port = ports.port;
    this.routePort = ports.routePort;
    this.url = `nats://127.0.0.1:${ports.port}`;
    this.storeDir = storeDir;
    this.#binary = binary;
    this.#args = args;
    this.#timeoutMs = timeoutMs;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  log(): string {
    return this.#log;
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    await mkdir(this.storeDir, { recursive: true });
    this.#runStart = this.#log.length;
    this.#partial = '';
    const child = spawn(this.#binary, [...this.#args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    track(child);
    const onData = (data: Buffer): void => this.#append(data.toString());
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
      this.#notify();
    });
    child.once('error', (error) => {
      this.#append(`spawn failed: ${error.message}\n`);
      if (this.#child === child) this.#child = undefined;
      this.#notify();
    });
    await this.waitFor(READY);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    // A server that ignores a gentle signal past the bound is killed outright.
    const timer = setTimeout(() => child.kill('SIGKILL'), this.#timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Resolves once a line of the current run matches `pattern`.
   * @throws Error with the log if the process is not running or the bound passes first.
   */
  waitFor(pattern: RegExp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        if (pattern.test(this.#log.slice(this.#runStart))) done();
        else if (this.#child === undefined) done(this.#failure(`exited before logging ${pattern}`));
      };
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      timer = setTimeout(
        () => done(this.#failure(`did not log ${pattern} within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
      this.#listeners.add(check);
      check();
    });
  }

  #failure(what: string): Error {
    return new Error(`nats-server ${this.name} (${this.url}) ${what}; its log:\n${this.#log}`);
  }

  #append(text: string): void {
    // Whole lines only, so a pattern never matches half a line.
    const lines = this.#partial + text;
    const cut = lines.lastIndexOf('\n') + 1;
    this.#partial = lines.slice(cut);
    if (cut === 0) return;
    this.#log += lines.slice(0, cut);
    if (this.#log.length > MAX_LOG_CHARS) {
      const drop = this.#log.length - MAX_LOG_CHARS;
      this.#log = this.#log.slice(drop);
      this.#runStart = Math.max(0, this.#runStart - drop);
    }
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** Boots of a cluster tried before `startNatsCluster` gives up (each on fresh ports and folders). */
const BOOT_ATTEMPTS = 3;

/**
 * Starts a local JetStream cluster: `nodes` processes of `nats-server -js` on 127.0.0.1, each on
 * free client and route ports, with `--cluster`, `--routes` to every other node and its own store
 * folder; resolves once every node accepts clients and the JetStream meta group has a leader
 * (read from their logs, never by sleeping). With `nodes: 1` it is one plain JetStream server.
 * Nodes start one after another. A boot that fails (seen: three nats-server 2.9 nodes started
 * together that elected no leader in 30 s) is stopped and tried again on fresh ports, in a fresh
 * folder unless `dir` was given, up to three boots.
 * Stop it with `stop()`; processes still running when this process exits are killed.
 * @throws Error if `nats-server` is missing, or with the logs if the last boot fails.
 */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const count = options.nodes ?? 3;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new Error(`nodes must be a whole number >= 1, got ${String(count)}.`);
  }
  const binary = options.binary ?? findNatsServer();
  if (binary === undefined) {
    throw new Error('nats-server is not installed: apt-get install nats-server.');
  }
  let failure: unknown;
  const attempts = options.dir === undefined ? BOOT_ATTEMPTS : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await bootCluster(options, count, binary);
    } catch (error) {
      failure = error;
      if (attempt < attempts) {
        process.stderr.write(
          `startNatsCluster: boot ${attempt} failed, trying again on fresh ports: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`,
        );
      }
    }
  }
  throw failure;
}

/** One boot of {@link startNatsCluster}: stops what it started when it fails. */
async function bootCluster(
  options: NatsClusterOptions,
  count: number,
  binary: string,
): Promise<NatsCluster> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'hermes-nats-')));
  const clusterName = options.clusterName ?? 'hermes';
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const free = await freePorts(2 * count);
  const ports = Array.from({ length: count }, (_, i) => ({
    port: free[2 * i]!,
    routePort: free[2 * i + 1]!,
  }));
  const nodes = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const storeDir = path.join(dir, name);
    const args = ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(p.port), '-n', name];
    if (count > 1) {
      // Routes to the other nodes only: a route to itself is one more connection that the
      // server opens and closes as a duplicate while the cluster forms.
      const routes = ports
        .filter((_, j) => j !== i)
        .map((q) => `nats://127.0.0.1:${q.routePort}`)
        .join(',');
      args.push('--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${p.routePort}`);
      args.push('--routes', routes);
    }
    args.push(...(options.args ?? []));
    return new Node(name, p, storeDir, binary, args, timeoutMs);
  });

  const cluster: NatsCluster = {
    nodes,
    servers: nodes.map((n) => n.url),
    dir,
    async ready() {
      const running = nodes.filter((n) => n.pid !== undefined);
      await Promise.all(running.map((n) => n.waitFor(count > 1 ? META_LEADER : READY)));
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    // One after another, each accepting clients before the next starts: nodes that all dial one
    // another at once churn their routes, and once (nats-server 2.9.10) elected no leader.
    for (const node of nodes) await node.start();
    await cluster.ready();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
