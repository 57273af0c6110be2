import net from 'node:net';
import type { DurableStore } from '@hermes/wal-store';
import type { LogActivity } from '../log-activity.js';
import type { RespLimits } from '../resp/index.js';
import type { ServerContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { RespConnection } from './connection.js';
import { infoText } from './info.js';
import type { KeyspaceLimits } from './keyspace.js';
import { WatchRegistry } from './watch.js';

/** Options of {@link startRespServer}. */
export interface RespServerOptions {
  /** Interface to listen on (loopback only until the service has authentication). */
  readonly host: string;
  /** Port; 0 picks a free one. */
  readonly port: number;
  /** The key and value limits (the service's `--max-key-bytes` and `--max-value-bytes`). */
  readonly limits: KeyspaceLimits;
  /** The protocol parser's limits (bulk, array, inline, command sizes). @default the parser's */
  readonly protocol?: Partial<RespLimits>;
  /** The token clients must give with `AUTH` before anything else. @default none */
  readonly authToken?: string;
  /** Most connections served at once; one more is told so and closed. @default 10 000 */
  readonly maxClients?: number;
  /** Most keys `KEYS` answers before it refuses. @default 100 000 */
  readonly maxKeysReply?: number;
  /** The `--sync` policy as given, for `INFO` and `CONFIG GET appendfsync`. */
  readonly syncLabel: string;
  /** The log's latest fsync and group commits, for `INFO`. */
  readonly activity: () => LogActivity;
}

/** A listening Redis-protocol front. */
export interface RespServer {
  /** The port listened on. */
  readonly port: number;
  /** `redis://host:port`. */
  readonly url: string;
  /** Open connections. */
  readonly connections: number;
  /**
   * Stops listening, lets every connection finish the commands it has read (their replies are
   * sent), then closes them; after `timeoutMs`, closes the rest at once. Every call returns the
   * same promise. Does not close the store.
   */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Serves the Redis protocol (RESP2, and RESP3 after `HELLO 3`) over `store`: the commands of
 * `COMMANDS`, pipelined, with replies sent once durable under the store's sync policy.
 */
export async function startRespServer(
  store: DurableStore,
  options: RespServerOptions,
): Promise<RespServer> {
  const connections = new Set<RespConnection>();
  const counters = { commands: 0, connections: 0 };
  const startedAt = Date.now();
  let port = options.port;
  const context: ServerContext = {
    store,
    limits: options.limits,
    maxKeysReply: options.maxKeysReply ?? 100_000,
    authToken: options.authToken,
    config: new Map([
      ['appendonly', 'yes'],
      ['appendfsync', options.syncLabel === 'always' ? 'always' : 'everysec'],
      ['save', ''],
      ['databases', '1'],
      ['maxmemory', '0'],
      ['maxmemory-policy', 'noeviction'],
      ['proto-max-bulk-len', String(options.limits.maxValueBytes)],
      ['port', String(port)],
      ['bind', options.host],
      ['timeout', '0'],
    ]),
    watches: new WatchRegistry(store),
    commands: COMMANDS,
    counters,
    info: (sections) =>
      infoText(
        {
          store,
          syncLabel: options.syncLabel,
          port: () => port,
          startedAt,
          activity: options.activity,
          clients: () => connections.size,
          connectionsReceived: () => counters.connections,
          commandsProcessed: () => counters.commands,
        },
        sections,
      ),
  };
  let nextId = 1;
  const maxClients = options.maxClients ?? 10_000;
  const server = net.createServer((socket) => {
    counters.connections++;
    if (connections.size >= maxClients) {
      // As Redis: the error, then the close; nothing this client sends is read.
      socket.on('error', () => {});
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const connection = new RespConnection(socket, context, nextId++, options.protocol ?? {});
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : options.port;
  (context.config as Map<string, string>).set('port', String(port));
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `redis://${host}:${port}`,
    get connections() {
      return connections.size;
    },
    close(timeoutMs = 10_000) {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
          timer.unref();
        });
        await Promise.race([Promise.all([...connections].map((c) => c.drain())), late]);
        clearTimeout(timer);
        for (const connection of connections) connection.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}
