/**
 * Starts a local three-node JetStream cluster and keeps it running until Ctrl-C (or SIGTERM):
 * `pnpm --filter @hermes/wal-jetstream cluster [--nodes N] [--dir PATH]`. Prints the client
 * URLs and each node's PID; with `--dir` the stores are kept there across runs.
 */
import { parseArgs } from 'node:util';
import { startNatsCluster } from './nats-cluster.js';

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '3' }, dir: { type: 'string' } },
});
const cluster = await startNatsCluster({
  nodes: Number(values.nodes),
  ...(values.dir === undefined ? {} : { dir: values.dir }),
});
for (const node of cluster.nodes) {
  console.log(`${node.name}  ${node.url}  pid ${node.pid}  store ${node.storeDir}`);
}
console.log(`\nservers: ${cluster.servers.join(',')}`);
console.log('Ctrl-C stops every node.');

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  cluster.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
