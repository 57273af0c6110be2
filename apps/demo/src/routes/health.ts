import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from '../metrics.js';
import { type ServedStore, writeHealth } from '../served-store.js';
import { poisoned } from '../store-errors.js';

/** `GET /healthz` (200 `{ "status": "ok" }` while writes are possible, 503 `LOG_POISONED` otherwise) and `GET /metrics`. */
export function opsRoutes(app: FastifyInstance, store: ServedStore, metrics: ServiceMetrics): void {
  app.get('/healthz', async (_request, reply) => {
    const health = writeHealth(store);
    if (!health.ok) throw poisoned(undefined, health.reason);
    return reply.code(200).send({ status: 'ok', keys: store.size });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.code(200).type(metrics.registry.contentType).send(text);
  });
}
