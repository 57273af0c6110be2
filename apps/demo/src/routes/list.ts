import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import { splitUrl } from '../keys.js';
import { selectPage } from '../list-keys.js';
import { parseQuery } from '../query.js';
import type { ServedStore } from '../served-store.js';

/** Keys listed when `limit` is not given. */
export const DEFAULT_LIST_LIMIT = 100;
/** The most keys one listing returns. */
export const MAX_LIST_LIMIT = 1000;

/**
 * `GET /kv?prefix=<p>&limit=<n>&after=<key>`: `{ "keys": [...], "next": <key> | null }`, keys in
 * ascending order, at most `limit` (default 100, at most 1000); pass `next` as `after` for the
 * next page.
 */
export function listRoute(app: FastifyInstance, store: ServedStore): void {
  app.get('/kv', async (request, reply) => {
    const query = parseQuery(splitUrl(request.raw.url ?? '').query, ['prefix', 'limit', 'after']);
    const prefix = query.get('prefix') ?? '';
    const limit = parseLimit(query.get('limit'));
    const after = query.get('after');
    const page = selectPage(store.keys({ prefix }), limit, after);
    return reply.code(200).send(page);
  });
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIST_LIMIT;
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_LIST_LIMIT)) {
    throw new HttpError(
      400,
      'BAD_QUERY',
      `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}; page with "after".`,
    );
  }
  return n;
}
