import type { ServerResponse } from 'node:http';
import type { ChangeStream, WatchOptions } from '@hermes/wal-store';
import type { FastifyInstance } from 'fastify';
import { isCode } from '../error-codes.js';
import { HttpError } from '../http-error.js';
import { splitUrl } from '../keys.js';
import { parseQuery } from '../query.js';
import type { ServedStore } from '../served-store.js';
import { changeEvent, formatComment, formatEvent } from '../sse.js';

/** How `GET /watch` streams: heartbeats, reconnection delay, and the bounds of a slow client. */
export interface WatchLimits {
  /** A comment line is sent this often, so that proxies keep an idle stream open. @default 15000 */
  readonly heartbeatMs: number;
  /** The reconnection delay sent to clients (`retry:`), in ms. @default 1000 */
  readonly retryMs: number;
  /** Changes held for a client whose socket is full; past it the stream is cut. @default 10000 */
  readonly maxBuffered: number;
  /** Bytes of changes held for such a client; past it the stream is cut. @default 16 MiB */
  readonly maxBufferedBytes: number;
  /**
   * After the stream ends (overflow, shutdown), how long a client that does not read is given
   * before its connection is destroyed, so that shutdown never waits on it. @default 2000
   */
  readonly endGraceMs: number;
}

/** The defaults of {@link WatchLimits}. */
export const DEFAULT_WATCH_LIMITS: WatchLimits = {
  heartbeatMs: 15_000,
  retryMs: 1000,
  maxBuffered: 10_000,
  maxBufferedBytes: 16 * 1024 * 1024,
  endGraceMs: 2000,
};

/** Query parameters of `GET /watch`. */
const PARAMS = ['prefix', 'gt', 'gte', 'lt', 'lte', 'since'] as const;

/**
 * `GET /watch?prefix=&gt=&gte=&lt=&lte=&since=`: the store's change feed as Server-Sent Events.
 * The first event is `ready` (its id is the position the stream starts after) or, when the
 * position asked for (`Last-Event-ID`, else `since`) is no longer held, `resync`; then `set`,
 * `delete`, `batch` and `clear` events with their ids, and a comment as heartbeat. A client too
 * slow to read gets an `overflow` event and the stream ends; so do all streams when the service
 * shuts down (the client reconnects with `Last-Event-ID`). Bad bounds are 400 `BAD_QUERY`.
 */
export function watchRoute(app: FastifyInstance, store: ServedStore, limits: WatchLimits): void {
  /** The stop functions of the streams open now: shutdown ends them all. */
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const stop of open) stop();
  });

  app.get('/watch', async (request, reply) => {
    const watch = store.watch?.bind(store);
    if (watch === undefined) {
      throw new HttpError(404, 'ROUTE_NOT_FOUND', 'This store has no change feed to watch.');
    }
    const query = parseQuery(splitUrl(request.raw.url ?? '').query, PARAMS);
    const header = request.headers['last-event-id'];
    const since = (typeof header === 'string' ? header : undefined) ?? query.get('since');
    let wake: () => void = () => {};
    const options: Record<string, unknown> = {
      maxBuffered: limits.maxBuffered,
      maxBufferedBytes: limits.maxBufferedBytes,
      onOverflow: () => wake(),
    };
    for (const name of PARAMS) {
      const value = name === 'since' ? since : query.get(name);
      if (value !== undefined && (name !== 'prefix' || value !== '')) options[name] = value;
    }
    let stream: ChangeStream;
    try {
      stream = watch(options as WatchOptions);
    } catch (error) {
      throw watchError(error);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      connection: 'close',
    });
    // Resumed (or fresh): say where the stream starts. Not resumed: the first change is `resync`.
    const retry = limits.retryMs;
    if (since === undefined || stream.from === since) {
      res.write(formatEvent({ event: 'ready', id: stream.from, data: { id: stream.from }, retry }));
    } else {
      res.write(`retry: ${retry}\n\n`);
    }
    const stop = (): void => {
      void stream.return();
      wake();
    };
    open.add(stop);
    res.once('close', stop);
    void pump(stream, res, limits, (w) => {
      wake = w;
    }).finally(() => open.delete(stop));
    return reply;
  });
}

/**
 * Writes each change of `stream` to `res` until the stream ends (store closed, client gone,
 * shutdown) or overflows, then ends the response. While the socket is full it waits for it to
 * drain, or for the watch to overflow (`setWake` installs what wakes it).
 */
async function pump(
  stream: ChangeStream,
  res: ServerResponse,
  limits: WatchLimits,
  setWake: (wake: () => void) => void,
): Promise<void> {
  const heartbeat = setInterval(() => {
    if (!res.writableNeedDrain) res.write(formatComment('heartbeat'));
  }, limits.heartbeatMs);
  heartbeat.unref();
  try {
    for (;;) {
      const next = await stream.next();
      if (next.done || res.destroyed) break;
      if (!res.write(formatEvent(changeEvent(next.value)))) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            setWake(() => {});
            resolve();
          };
          setWake(done);
          res.on('drain', done);
        });
      }
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'DURABLE_WATCH_OVERFLOW') console.error('hermes: watch stream failed', error);
    if (!res.destroyed) {
      res.write(
        formatEvent(
          isCode(code, 'DURABLE_WATCH_OVERFLOW')
            ? {
                event: 'overflow',
                data: {
                  error: 'WATCH_OVERFLOW',
                  message: `The client read more slowly than changes came (over ${limits.maxBuffered} changes or ${limits.maxBufferedBytes} bytes behind), so the stream ends; reconnect with Last-Event-ID to resume while the service holds those changes.`,
                },
              }
            : {
                // Not `error`: EventSource gives that name to its own connection errors.
                event: 'failure',
                data: {
                  error: 'INTERNAL',
                  message: 'The stream failed; the server log has the details. Reconnect.',
                },
              },
        ),
      );
    }
  } finally {
    clearInterval(heartbeat);
    endWithin(res, limits.endGraceMs);
  }
}

/** Ends `res`, destroying its connection if the client has not read the end within `ms`. */
function endWithin(res: ServerResponse, ms: number): void {
  if (res.destroyed) return;
  const timer = setTimeout(() => res.destroy(), ms);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
  res.end();
}

/** The HTTP error of a refused `watch()`: bad bounds are the client's, a closed store is shutdown. */
function watchError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (isCode(code, 'DURABLE_INVALID_OPTIONS')) {
    return new HttpError(400, 'BAD_QUERY', `${(error as Error).message}`, { cause: error });
  }
  if (isCode(code, 'STORE_CLOSED')) {
    return new HttpError(503, 'SHUTTING_DOWN', 'The service is shutting down; retry shortly.');
  }
  return error;
}
