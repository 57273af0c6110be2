import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The parent's environment without vitest's own variables, which would make the child a worker. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CI: 'true' };
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(VITEST|VITE_|TINYPOOL|NODE_OPTIONS)/.test(name)) env[name] = value;
  }
  return env;
}

interface Report {
  testResults: { assertionResults: { title: string; status: string }[] }[];
}

describe('storeSuite detects a store with racy conditional writes', () => {
  let dir: string;
  let statuses: Map<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hermes-store-suite-'));
    const output = join(dir, 'report.json');
    await new Promise<void>((resolve) => {
      // The child run is expected to fail; its JSON report says which tests did.
      execFile(
        process.execPath,
        [
          join(root, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--config',
          'test/fixtures/vitest.racy.config.mjs',
          '--outputFile',
          output,
        ],
        { cwd: root, env: childEnv(), maxBuffer: 64 * 1024 * 1024 },
        () => resolve(),
      );
    });
    const report = JSON.parse(await readFile(output, 'utf8')) as Report;
    statuses = new Map(
      report.testResults.flatMap((file) => file.assertionResults.map((t) => [t.title, t.status])),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails the concurrency properties', () => {
    expect(
      statuses.get('two putIfAbsent on one key: exactly one winner, whose value is stored'),
    ).toBe('failed');
    expect(statuses.get('compareAndSet behaves as a register with compare-and-set')).toBe('failed');
    expect(
      statuses.get('the final state equals some sequential order of the completed operations'),
    ).toBe('failed');
  });

  it('still passes the sequential cases, so the failures are about races', () => {
    expect(statuses.get('putIfAbsent stores only when absent')).toBe('passed');
    expect(statuses.get('behaves like a Map under random command sequences')).toBe('passed');
  });
});
