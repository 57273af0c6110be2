/**
 * Says which real servers the tests will use and which they will skip: the tests that need
 * `redis-server`, `redis-cli` or `redis-benchmark` (Debian's `redis-server` and `redis-tools`),
 * and those that need `nats-server` (Debian's `nats-server`: the JetStream cluster of
 * `@hermes/wal-jetstream`), run only where those are installed. Prints one line when some are
 * missing, saying how to install them; under `CI=true` a missing one is an error (CI installs them, see `.ci/run`).
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Each tool the tests use, with the Debian package that has it. */
const TOOLS: readonly [tool: string, debianPackage: string][] = [
  ['redis-server', 'redis-server'],
  ['redis-cli', 'redis-tools'],
  ['redis-benchmark', 'redis-tools'],
  ['nats-server', 'nats-server'],
];

function onPath(tool: string): boolean {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    try {
      accessSync(path.join(dir, tool), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

const missing = TOOLS.filter(([tool]) => !onPath(tool));
if (missing.length > 0) {
  const tools = missing.map(([tool]) => tool).join(', ');
  const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
  console.log(
    `hermes tests: skipping the tests that need ${tools} (not installed); install with: apt-get install ${packages}`,
  );
  if (process.env['CI'] === 'true') {
    console.error('hermes tests: CI must have every real server: .ci/run installs them.');
    process.exit(1);
  }
}
