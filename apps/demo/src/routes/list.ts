import type { FastifyInstance } from 'fastify';
import { splitUrl } from '../keys.js';
import { LIST_PARAMETERS, listPage, parseListRequest } from '../list-keys.js';
import { parseQuery } from '../query.js';
import type { ServedStore } from '../served-store.js';

/**
 * `GET /kv?prefix=&start=&end=&reverse=&limit=&after=` (or `gt`/`gte`/`lt`/`lte` for the bounds):
 * `{ "keys": [...], "next": <key> | null }`, keys in key order (UTF-8 bytes), from the top when
 * `reverse=true`, at most `limit` (default 100, at most 1000); pass `next` as `after`, with the
 * same other parameters, for the next page. A page costs O(log n + limit).
 */
export function listRoute(app: FastifyInstance, store: ServedStore): void {
  app.get('/kv', async (request, reply) => {
    const query = parseQuery(splitUrl(request.raw.url ?? '').query, LIST_PARAMETERS);
    return reply.code(200).send(listPage(store, parseListRequest(query)));
  });
}
