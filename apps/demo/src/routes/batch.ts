import type { FastifyInstance } from 'fastify';
import type { AppLimits } from '../app-options.js';
import { parseBatch } from '../batch-body.js';
import { splitUrl } from '../keys.js';
import type { ServiceMetrics } from '../metrics.js';
import { parseQuery } from '../query.js';
import type { ServedStore } from '../served-store.js';
import { storeErrorToHttp } from '../store-errors.js';
import { SYNC_PARAMETER, syncStore, wantsSync } from '../sync-flag.js';
import { bodyBytes } from './kv.js';

/** `POST /batch`: a JSON list of sets and deletes (values in base64), applied atomically; 204. */
export function batchRoute(
  app: FastifyInstance,
  store: ServedStore,
  limits: AppLimits,
  metrics: ServiceMetrics,
): void {
  app.route({
    method: 'POST',
    url: '/batch',
    bodyLimit: limits.maxBatchBytes,
    handler: async (request, reply) => {
      const sync = wantsSync(parseQuery(splitUrl(request.raw.url ?? '').query, [SYNC_PARAMETER]));
      const ops = parseBatch(bodyBytes(request.body), limits);
      if (ops.length > 0) {
        try {
          await store.batch(ops);
          if (sync) await syncStore(store);
        } catch (error) {
          throw storeErrorToHttp(error, store);
        }
      }
      metrics.batch(ops.length);
      return reply.code(204).send();
    },
  });
}
