import type { ServiceConfig } from '../../src/config.js';
import { parseSync } from '../../src/parse-values.js';

/** A service config for tests: any free port on 127.0.0.1, `--sync always`, small limits. */
export function testConfig(dataDir: string, overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    log: { kind: 'local' },
    dataDir,
    sync: parseSync('always'),
    recovery: 'tolerate-tail',
    store: 'sharded',
    shards: 4,
    maxValueBytes: 64 * 1024,
    maxKeyBytes: 256,
    maxBatchOps: 50,
    maxBatchBytes: 1024 * 1024,
    respPort: undefined,
    respHost: '127.0.0.1',
    respMaxClients: 10_000,
    discardBytes: 1024 ** 3,
    discardMs: 30_000,
    shutdownTimeoutMs: 10_000,
    autoCompact: true,
    backupDir: undefined,
    authToken: undefined,
    insecure: false,
    ...overrides,
  };
}
