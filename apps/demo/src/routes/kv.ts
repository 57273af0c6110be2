import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppLimits } from '../app-options.js';
import { HttpError } from '../http-error.js';
import { decodeKey, splitUrl } from '../keys.js';
import { parseQuery } from '../query.js';
import type { ServedStore } from '../served-store.js';
import { storeErrorToHttp } from '../store-errors.js';
import { SYNC_PARAMETER, syncStore, wantsSync } from '../sync-flag.js';

const PREFIX = '/kv/';

/** `PUT`, `GET` (and `HEAD`), `DELETE` of `/kv/<percent-encoded key>`. */
export function kvRoutes(app: FastifyInstance, store: ServedStore, limits: AppLimits): void {
  /** The request's key, and its query checked against `allowed`. */
  const target = (request: FastifyRequest, allowed: readonly string[]) => {
    const { path, query } = splitUrl(request.raw.url ?? '');
    const parsed = parseQuery(query, allowed);
    return { key: decodeKey(path.slice(PREFIX.length), limits), query: parsed };
  };
  const keyOf = (request: FastifyRequest): string => target(request, []).key;
  /** A write's key and whether it asked `?sync=true`. */
  const writeOf = (request: FastifyRequest): { key: string; sync: boolean } => {
    const { key, query } = target(request, [SYNC_PARAMETER]);
    return { key, sync: wantsSync(query) };
  };

  app.route({
    method: 'PUT',
    url: '/kv/*',
    bodyLimit: limits.maxValueBytes,
    handler: async (request, reply) => {
      const { key, sync } = writeOf(request);
      const ifNoneMatch = request.headers['if-none-match'];
      if (request.headers['if-match'] !== undefined) {
        throw new HttpError(
          400,
          'BAD_PRECONDITION',
          'If-Match is not supported; use If-None-Match: * to create only.',
        );
      }
      if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
        throw new HttpError(
          400,
          'BAD_PRECONDITION',
          'Only "If-None-Match: *" (create only if absent) is supported; values have no ETags.',
        );
      }
      const value = bodyBytes(request.body);
      try {
        if (ifNoneMatch === undefined) {
          await store.set(key, value);
        } else if (!(await store.putIfAbsent(key, value))) {
          throw new HttpError(
            412,
            'KEY_EXISTS',
            'The key already has a value and If-None-Match: * asked to create only.',
          );
        }
        if (sync) await syncStore(store);
      } catch (error) {
        throw storeErrorToHttp(error, store);
      }
      return reply.code(204).send();
    },
  });

  app.route({
    method: 'GET',
    url: '/kv/*',
    handler: async (request, reply) => {
      const value = store.get(keyOf(request));
      if (value === undefined) throw notFound();
      return reply
        .code(200)
        .type('application/octet-stream')
        .send(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    },
  });

  app.route({
    method: 'DELETE',
    url: '/kv/*',
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const { key, sync } = writeOf(request);
      let existed: boolean;
      try {
        existed = await store.delete(key);
        if (sync) await syncStore(store);
      } catch (error) {
        throw storeErrorToHttp(error, store);
      }
      if (!existed) throw notFound();
      return reply.code(204).send();
    },
  });
}

function notFound(): HttpError {
  return new HttpError(404, 'NOT_FOUND', 'No value is stored under this key.');
}

/** The request body as bytes: the catch-all parser gives a Buffer, an absent body is empty. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  throw new HttpError(400, 'BAD_BODY', 'The body could not be read as bytes.');
}
