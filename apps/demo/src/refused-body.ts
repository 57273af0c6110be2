import type { IncomingMessage } from 'node:http';

/**
 * How much of a refused request body the service reads and throws away after answering, so that
 * a client still sending it can read the answer (see {@link drainRefusedBody}).
 */
export interface DrainLimits {
  /** Most bytes read past the answer before the connection is cut. @default 1 GiB */
  readonly maxBytes: number;
  /** Longest time spent reading past the answer before the connection is cut. @default 30 000 */
  readonly maxMs: number;
}

/** The default {@link DrainLimits.maxBytes}: 1 GiB. */
export const DEFAULT_DRAIN_BYTES: number = 1024 * 1024 * 1024;
/** The default {@link DrainLimits.maxMs}: 30 s, as nginx's `lingering_time`. */
export const DEFAULT_DRAIN_MS: number = 30_000;

/**
 * Keeps reading, and discarding, the rest of a request body the service answered before it
 * arrived (a value over the limit gets its 413 from the `Content-Length` alone), within `limits`.
 *
 * Why: most clients (Node's `fetch`, Python's `requests`, Go, browsers) send the whole body
 * before they read the answer. A server that closes the socket while unread body bytes sit in
 * its receive buffer makes the kernel send a reset, which also throws away the answer the client
 * has not read yet: the client sees `EPIPE` or `ECONNRESET` instead of the 413. So the
 * connection stays open and Node discards the body as it arrives (nothing is buffered); once the
 * body has ended, the connection is clean and may carry the next request. A client that goes on
 * past `maxBytes` or `maxMs` is cut off.
 *
 * Call it when the answer has been sent (the response's `finish`), with the request that
 * `Connection: close` was not set on.
 */
export function drainRefusedBody(request: IncomingMessage, limits: DrainLimits): void {
  const socket = request.socket;
  if (request.complete || socket.destroyed) return;
  // Node's server discards the body of an answered request itself, in its native parser, with
  // no events to count on (and a 'data' listener on the socket would take the socket from that
  // parser and stall it): so the bound is checked by looking at the socket now and then.
  const start = socket.bytesRead;
  const deadline = Date.now() + limits.maxMs;
  const check = (): void => {
    if (request.complete || socket.destroyed) {
      clearInterval(timer);
    } else if (socket.bytesRead - start > limits.maxBytes || Date.now() >= deadline) {
      clearInterval(timer);
      socket.destroy();
    }
  };
  const timer = setInterval(check, DRAIN_CHECK_MS);
  timer.unref();
  // Node resumes an answered request that nobody read; resuming here too covers one that some
  // code paused.
  request.resume();
}

/** How often {@link drainRefusedBody} checks its bounds: at ~2 GB/s on loopback, 40 MB late at most. */
const DRAIN_CHECK_MS = 20;
