import { once } from 'node:events';
import net from 'node:net';
import { Redis } from 'ioredis';
import type { ServiceConfig } from '../../src/config.js';
import { type RunningService, startService } from '../../src/service.js';
import { type ChildService, startChild } from '../helpers/child.js';
import { testConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/temp-dir.js';

const quiet = { stderr: { write: () => true } };

/** A service with its Redis front on a free port, in this process, over a fresh folder. */
export async function startRedisService(overrides: Partial<ServiceConfig> = {}): Promise<{
  service: RunningService;
  port: number;
  client(options?: { name?: string }): Promise<Redis>;
  stop(): Promise<void>;
}> {
  const dir = await tempDir();
  const service = await startService(testConfig(dir.path, { respPort: 0, ...overrides }), quiet);
  const port = service.resp!.port;
  const clients: Redis[] = [];
  return {
    service,
    port,
    async client(options = {}) {
      const client = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        ...(options.name === undefined ? {} : { connectionName: options.name }),
      });
      clients.push(client);
      await client.connect();
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await service.close();
      await dir.remove();
    },
  };
}

/**
 * Connects an ioredis client to `port` on 127.0.0.1 that never retries: once the connection is
 * lost, every command in flight and every later one rejects (no reconnect, no offline queue), so
 * a test sees exactly which commands got their reply.
 */
export async function connectRedis(port: number, options: { name?: string } = {}): Promise<Redis> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    ...(options.name === undefined ? {} : { connectionName: options.name }),
  });
  await client.connect();
  return client;
}

/**
 * Asks `INFO clients` over `redis` until the server counts `count` connections, so that every
 * connection closed before has been seen closed by the server, with all the bytes sent on it.
 * Each try waits for the server's answer. Returns the last count read, `count` unless
 * `timeoutMs` passed first.
 */
export async function waitForClients(
  redis: Redis,
  count: number,
  timeoutMs = 10_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await redis.info('clients');
    const now = Number(/connected_clients:(\d+)/.exec(info)?.[1]);
    if (now === count || Date.now() > deadline) return now;
  }
}

/** A service child process with its Redis front, from {@link startRedisChild}. */
export interface RedisChild extends ChildService {
  /** The Redis front's port, read from the start-up line (`| resp redis://127.0.0.1:PORT |`). */
  readonly respPort: number;
}

/**
 * Starts the service as a child process (`startChild`) with `args` plus `--port 0 --resp-port 0`,
 * waits for its start-up line and reads the Redis front's port from it.
 * @throws Error if the line has no `resp redis://...` part (the child is killed then).
 */
export async function startRedisChild(args: readonly string[]): Promise<RedisChild> {
  const service = await startChild([...args, '--port', '0', '--resp-port', '0']);
  const port = /\| resp redis:\/\/127\.0\.0\.1:(\d+) \|/.exec(service.line)?.[1];
  if (port === undefined) {
    service.child.kill('SIGKILL');
    throw new Error(`no Redis front in the start-up line: ${service.line}`);
  }
  return { ...service, respPort: Number(port) };
}

/** A raw RESP connection: send bytes, read what comes back. */
export class RawClient {
  readonly socket: net.Socket;
  #received = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (data: Buffer) => {
      this.#received = Buffer.concat([this.#received, data]);
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
  }

  /** Connects to `port` on 127.0.0.1. */
  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Everything received so far, as latin1 text. */
  get text(): string {
    return this.#received.toString('latin1');
  }

  /** Whether the server closed the connection. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Sends raw bytes. */
  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /**
   * Waits until the text received satisfies `done`, or the connection ended.
   * @param timeoutMs If given, the longest wait: past it, rejects with what was received so far.
   */
  async until(done: (text: string) => boolean, timeoutMs?: number): Promise<string> {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    while (!done(this.text) && !this.#ended) {
      let timer: NodeJS.Timeout | undefined;
      const woken = new Promise<boolean>((resolve) => {
        this.#waiters.push(() => resolve(true));
        if (deadline !== undefined) timer = setTimeout(() => resolve(false), deadline - Date.now());
      });
      const wokenInTime = await woken;
      clearTimeout(timer);
      if (!wokenInTime) {
        throw new Error(
          `no answer within ${timeoutMs} ms; received ${JSON.stringify(this.text.slice(0, 300))}`,
        );
      }
    }
    return this.text;
  }

  /** Resolves once the connection is closed (at once if it is); never rejects. */
  closed(): Promise<void> {
    return this.#ended ? Promise.resolve() : once(this.socket, 'close').then(() => undefined);
  }

  /** Waits for `count` complete top-level replies and returns them as raw strings. */
  async replies(count: number): Promise<string[]> {
    await this.until((text) => splitReplies(text).length >= count);
    return splitReplies(this.text).slice(0, count);
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg) : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Splits RESP text into its complete top-level replies (RESP2 and RESP3 types). */
export function splitReplies(text: string): string[] {
  const out: string[] = [];
  let pos = 0;
  for (;;) {
    const end = replyEnd(text, pos);
    if (end === -1) return out;
    out.push(text.slice(pos, end));
    pos = end;
  }
}

/** Where the reply starting at `pos` ends, or -1 if it is incomplete. */
function replyEnd(text: string, pos: number): number {
  if (pos >= text.length) return -1;
  const lineEnd = text.indexOf('\r\n', pos);
  if (lineEnd === -1) return -1;
  const type = text[pos];
  const head = text.slice(pos + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return after;
    case '$':
    case '=':
    case '!': {
      const n = Number(head);
      if (n < 0) return after;
      return text.length >= after + n + 2 ? after + n + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      let n = Number(head);
      if (n < 0) return after;
      if (type === '%') n *= 2;
      let p = after;
      for (let i = 0; i < n; i++) {
        p = replyEnd(text, p);
        if (p === -1) return -1;
      }
      return p;
    }
    default:
      // An inline reply (not RESP): up to the line end.
      return after;
  }
}
