import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { type AppLimits, type AppOptions, appLimits } from './app-options.js';
import { tokenMatches } from './auth.js';
import { answerClientError } from './client-error.js';
import { HttpError } from './http-error.js';
import { splitUrl } from './keys.js';
import { createMetrics } from './metrics.js';
import { drainRefusedBody } from './refused-body.js';
import { adminRoutes } from './routes/admin.js';
import { batchRoute } from './routes/batch.js';
import { opsRoutes } from './routes/health.js';
import { kvRoutes } from './routes/kv.js';
import { listRoute } from './routes/list.js';
import { watchRoute } from './routes/watch.js';
import type { ServedStore } from './served-store.js';

/** The methods each route takes, for 405 answers, and the route's label in metrics. */
const ALLOW: readonly [RegExp, string, string][] = [
  [/^\/kv\/./, 'GET, HEAD, PUT, DELETE', '/kv/*'],
  [/^\/kv$/, 'GET, HEAD', '/kv'],
  [/^\/batch$/, 'POST', '/batch'],
  [/^\/healthz$/, 'GET, HEAD', '/healthz'],
  [/^\/metrics$/, 'GET, HEAD', '/metrics'],
  [/^\/watch$/, 'GET', '/watch'],
  [/^\/admin\/backup$/, 'POST', '/admin/backup'],
];

/** The route a request is counted under: its route, or for a 405 the route it missed. */
function routeLabel(url: string | undefined, rawUrl: string | undefined): string {
  if (url !== undefined) return url;
  const { path } = splitUrl(rawUrl ?? '');
  return ALLOW.find(([re]) => re.test(path))?.[2] ?? 'unmatched';
}

/**
 * Builds the HTTP app over `store` (any `Store`; a `DurableStore` adds health, metrics and the
 * change feed, and `backup()`): the routes of `/kv/<key>`, `/kv`, `/batch`, `/watch`, `/healthz`, `/metrics` and
 * `/admin/backup`, with every error answered as
 * JSON `{ "error": "<code>", "message": "..." }`. The caller listens and closes; while closing,
 * new requests get 503 `SHUTTING_DOWN` and requests in flight finish. Closing the app does not
 * close the store.
 */
export function buildApp(store: ServedStore, options: AppOptions = {}): FastifyInstance {
  const limits = appLimits(options);
  const token = options.authToken;
  const metrics = options.metrics ?? createMetrics();
  let closing = false;

  const app = Fastify({
    logger: false,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler: answerClientError,
    routerOptions: { maxParamLength: 1 << 20 },
    frameworkErrors: (error, _request, reply) => {
      sendError(
        reply,
        new HttpError(
          400,
          'BAD_KEY',
          'The URL is not valid percent-encoding: encode keys with encodeURIComponent; a literal "%" is %25.',
          { cause: error },
        ),
      );
    },
  });

  // Every body is bytes, whatever its Content-Type says: PUT stores them, /batch parses JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new HttpError(503, 'SHUTTING_DOWN', 'The service is shutting down; retry shortly.');
    }
    if (token !== undefined && splitUrl(request.raw.url ?? '').path !== '/healthz') {
      checkBearer(request.headers.authorization, token);
    }
    if (request.raw.headers['content-type'] !== undefined) {
      request.raw.headers['content-type'] = 'application/octet-stream';
    }
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A response sent while closing ends its keep-alive connection, so close() does not wait on it.
  // An answer sent before its request's body arrived (a 413 from Content-Length alone) keeps the
  // connection and discards the rest of the body, within bounds: closing it at once would reset
  // it and lose the answer for a client still sending (see drainRefusedBody).
  app.addHook('onSend', async (request, reply, payload) => {
    if (closing) {
      reply.header('connection', 'close');
    } else if (!request.raw.complete && reply.getHeader('connection') === 'close') {
      reply.removeHeader('connection');
      reply.raw.once('finish', () => drainRefusedBody(request.raw, limits.drain));
    }
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = routeLabel(request.routeOptions.url, request.raw.url);
    metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    sendError(reply, toHttpError(error, request.routeOptions.url, limits));
  });
  app.setNotFoundHandler((request, reply) => {
    const { path } = splitUrl(request.raw.url ?? '');
    const allow = ALLOW.find(([re]) => re.test(path))?.[1];
    if (allow !== undefined) {
      sendError(
        reply,
        new HttpError(
          405,
          'METHOD_NOT_ALLOWED',
          `${request.method} is not allowed here; use ${allow}.`,
          {
            headers: { allow },
          },
        ),
      );
      return;
    }
    sendError(
      reply,
      new HttpError(
        404,
        'ROUTE_NOT_FOUND',
        'No such route: use /kv/<key>, /kv?prefix=, /batch, /watch, /healthz, /metrics or /admin/backup.',
      ),
    );
  });

  kvRoutes(app, store, limits);
  listRoute(app, store);
  batchRoute(app, store, limits, metrics);
  opsRoutes(app, store, metrics);
  watchRoute(app, store, limits.watch);
  adminRoutes(app, store, options.backupDir);
  return app;
}

/** Throws 401 `UNAUTHORIZED` unless `header` is `Bearer <token>` (compared in constant time). */
function checkBearer(header: string | undefined, token: string): void {
  const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  if (given !== undefined && tokenMatches(given, token)) return;
  throw new HttpError(
    401,
    'UNAUTHORIZED',
    given === undefined
      ? 'This service needs a token: send the header "Authorization: Bearer <token>" (the token the service was started with, --auth-token-file or HERMES_AUTH_TOKEN).'
      : 'The bearer token is not the one this service was started with.',
    { headers: { 'www-authenticate': 'Bearer realm="hermes"' } },
  );
}

function toHttpError(
  error: FastifyError | HttpError,
  route: string | undefined,
  limits: AppLimits,
): HttpError {
  if (error instanceof HttpError) return error;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    if (route === '/admin/backup') {
      return new HttpError(400, 'BAD_BODY', 'The body is too large: send {"name": "<name>"}.');
    }
    return route === '/batch'
      ? new HttpError(
          413,
          'BATCH_TOO_LARGE',
          `The batch body is over the limit of ${limits.maxBatchBytes} bytes (--max-batch-bytes); split it.`,
        )
      : new HttpError(
          413,
          'VALUE_TOO_LARGE',
          `The value is over the limit of ${limits.maxValueBytes} bytes (--max-value-bytes); store less.`,
        );
  }
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new HttpError(400, 'BAD_BODY', `The request could not be read: ${error.message}.`, {
      cause: error,
    });
  }
  console.error('hermes: unexpected error', error);
  return new HttpError(
    500,
    'INTERNAL',
    'Unexpected server error; the server log has the details.',
    { cause: error },
  );
}

function sendError(reply: FastifyReply, error: HttpError): void {
  if (error.status === 500 && error.cause !== undefined)
    console.error('hermes: unexpected error', error.cause);
  reply
    .code(error.status)
    .headers(error.headers)
    .type('application/json; charset=utf-8')
    .send(error.body());
}
