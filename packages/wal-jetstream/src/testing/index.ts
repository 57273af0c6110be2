/**
 * Test helpers of `@hermes/wal-jetstream`: a local NATS JetStream cluster of real `nats-server`
 * processes, for tests, the bench, and a person trying it (`pnpm --filter @hermes/wal-jetstream
 * cluster`).
 * @module
 */
export {
  findNatsServer,
  type NatsCluster,
  type NatsClusterOptions,
  type NatsNode,
  startNatsCluster,
} from './nats-cluster.js';
