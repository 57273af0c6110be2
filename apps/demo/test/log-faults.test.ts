import { FaultyFileSystem } from '@hermes/wal/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type RunningService, startService } from '../src/service.js';
import { testConfig } from './helpers/config.js';
import { http } from './helpers/http.js';
import { tempDir } from './helpers/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let service: RunningService;
let stderr: string;

beforeEach(async () => {
  dir = await tempDir();
  stderr = '';
});

afterEach(async () => {
  await service.close().catch(() => {});
  await dir.remove();
});

/** Starts the service on a FaultyFileSystem (stderr captured); returns that file system. */
async function startFaulty(): Promise<FaultyFileSystem> {
  const fs = new FaultyFileSystem();
  service = await startService(
    testConfig(dir.path),
    { stderr: { write: (s: string) => (stderr += s) } },
    { fs },
  );
  return fs;
}

it('refuses writes with 503 LOG_POISONED after a failed fsync, keeps serving reads, and says so in /healthz and /metrics', async () => {
  const fs = await startFaulty();
  const base = service.url;
  expect((await http(base, 'PUT', '/kv/before', { body: 'safe' })).status).toBe(204);

  const fault = fs.fail('datasync', 'EIO');
  const failed = await http(base, 'PUT', '/kv/during', { body: 'lost' });
  await fault.reached;
  expect(failed.status).toBe(503);
  expect((failed.json() as { error: string }).error).toBe('LOG_POISONED');

  for (const [method, path, body] of [
    ['PUT', '/kv/after', 'x'],
    ['DELETE', '/kv/before', undefined],
    ['POST', '/batch', '[{"type":"delete","key":"before"}]'],
  ] as const) {
    const reply = await http(base, method, path, body === undefined ? {} : { body });
    expect(reply.status).toBe(503);
    const json = reply.json() as { error: string; message: string };
    expect(json.error).toBe('LOG_POISONED');
    expect(json.message).toMatch(/reads still work/);
  }
  const conditional = await http(base, 'PUT', '/kv/fresh', {
    body: 'x',
    headers: { 'if-none-match': '*' },
  });
  expect(conditional.status).toBe(503);

  const read = await http(base, 'GET', '/kv/before');
  expect(read.status).toBe(200);
  expect(read.body.toString()).toBe('safe');
  expect((await http(base, 'GET', '/kv/during')).status).toBe(404);
  expect(((await http(base, 'GET', '/kv')).json() as { keys: string[] }).keys).toEqual(['before']);

  const health = await http(base, 'GET', '/healthz');
  expect(health.status).toBe(503);
  expect((health.json() as { error: string }).error).toBe('LOG_POISONED');
  const metrics = (await http(base, 'GET', '/metrics')).body.toString();
  expect(metrics).toMatch(/^hermes_wal_poisoned 1$/m);
  expect(metrics).toMatch(
    /^hermes_http_requests_total\{method="PUT",route="\/kv\/\*",status="503"\} 3$/m,
  );
  expect(stderr).toMatch(/the log failed, writes are refused/);
});

it('counts a failed compaction in /metrics and on stderr, and keeps serving reads and writes', async () => {
  const fs = await startFaulty();
  const base = service.url;
  expect((await http(base, 'PUT', '/kv/a', { body: '1' })).status).toBe(204);
  const fault = fs.fail('rename', 'ENOSPC');
  await expect(service.store.compact()).rejects.toThrow();
  expect(fault.fired).toBe(true);

  expect((await http(base, 'PUT', '/kv/b', { body: '2' })).status).toBe(204);
  expect((await http(base, 'GET', '/kv/a')).body.toString()).toBe('1');
  expect((await http(base, 'GET', '/healthz')).status).toBe(200);
  const metrics = (await http(base, 'GET', '/metrics')).body.toString();
  expect(metrics).toMatch(/^hermes_compactions_total\{result="failed"\} 1$/m);
  expect(metrics).toMatch(/^hermes_compactions_total\{result="ok"\} 0$/m);
  expect(stderr).toMatch(/compaction failed \(the old log is intact/);

  await service.store.compact();
  expect((await http(base, 'GET', '/metrics')).body.toString()).toMatch(
    /^hermes_compactions_total\{result="ok"\} 1$/m,
  );
});
