import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import type { ServiceMetrics } from '../metrics.js';
import { type ReplicationState, reachable, replicationOf } from '../replication.js';
import { type ServedStore, writeHealth } from '../served-store.js';
import { poisoned } from '../store-errors.js';

/**
 * `GET /healthz` (200 `{ "status": "ok", "keys": n }` while writes are possible, 503
 * `LOG_POISONED` otherwise; on a replicated log the body adds `log`, where the replica is in its
 * stream, and a replica that has not heard from its cluster for `UNREACHABLE_AFTER_MS` is 503
 * `LOG_UNREACHABLE`, reads still served) and `GET /metrics`.
 */
export function opsRoutes(app: FastifyInstance, store: ServedStore, metrics: ServiceMetrics): void {
  app.get('/healthz', async (_request, reply) => {
    const health = writeHealth(store);
    if (!health.ok) throw poisoned(undefined, health.reason);
    const log = replicationOf(store.stats?.());
    if (log === undefined) return reply.code(200).send({ status: 'ok', keys: store.size });
    if (!reachable(log)) throw unreachable(log);
    return reply.code(200).send({ status: 'ok', keys: store.size, log });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.code(200).type(metrics.registry.contentType).send(text);
  });
}

/** The 503 of a replica cut off from its cluster. */
function unreachable(log: ReplicationState): HttpError {
  const seconds = (log.lastHeardMs / 1000).toFixed(0);
  return new HttpError(
    503,
    'LOG_UNREACHABLE',
    `This replica has not heard from the NATS cluster of stream ${log.stream} for ${seconds} s (last applied sequence ${log.appliedSeq}): reads still work but may be that stale, and writes fail unless a quorum answers. Check that the cluster runs and that this host reaches it.`,
  );
}
