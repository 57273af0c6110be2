import { join } from 'node:path';
import { LockedStore } from '@hermes/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { type RunningService, startService } from '../src/service.js';
import { testConfig } from './helpers/config.js';
import { http, kv } from './helpers/http.js';
import { tempDir } from './helpers/temp-dir.js';

const quiet = { stderr: { write: () => true } };
const TOKEN = 'a-token-of-32-characters-or-so-x';

let dir: Awaited<ReturnType<typeof tempDir>>;
let backups: string;
const running: RunningService[] = [];

/** Starts a service on `dataDir` (closed after the test). */
async function start(dataDir: string, overrides: Parameters<typeof testConfig>[1] = {}) {
  const service = await startService(testConfig(dataDir, overrides), quiet);
  running.push(service);
  return service;
}

/** `POST /admin/backup` with `body` (JSON of it unless a string). */
function backup(base: string, body: unknown, headers: Record<string, string> = {}) {
  return http(base, 'POST', '/admin/backup', {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function expectError(reply: { status: number; json(): unknown }, status: number, code: string) {
  expect(reply.status).toBe(status);
  const body = reply.json() as { error: string; message: string };
  expect(body.error).toBe(code);
  expect(body.message.length).toBeGreaterThan(10);
}

beforeEach(async () => {
  dir = await tempDir();
  backups = join(dir.path, 'backups');
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await dir.remove();
});

describe('POST /admin/backup', () => {
  it('answers 201 with the report while writes go on; a service started on the backup serves every write acknowledged before it', async () => {
    const service = await start(join(dir.path, 'data'), { backupDir: backups });
    for (let i = 0; i < 50; i++) {
      expect((await http(service.url, 'PUT', kv(`k${i}`), { body: `v${i}` })).status).toBe(204);
    }
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) await http(service.url, 'PUT', kv(`late${i}`), { body: 'x' });
    })();
    const reply = await backup(service.url, { name: 'nightly-1' });
    writing = false;
    await writer;
    expect(reply.status).toBe(201);
    const report = reply.json() as Record<string, unknown>;
    expect(report).toMatchObject({ name: 'nightly-1', target: join(backups, 'nightly-1') });
    expect(report['keys']).toBeGreaterThanOrEqual(50);
    expect(report['position']).toBeGreaterThanOrEqual(50);
    expect(report['bytes']).toBeGreaterThan(0);

    const restored = await start(join(backups, 'nightly-1'));
    for (let i = 0; i < 50; i++) {
      expect((await http(restored.url, 'GET', kv(`k${i}`))).body.toString()).toBe(`v${i}`);
    }
    const keys = (await http(restored.url, 'GET', '/healthz')).json() as { keys: number };
    expect(keys.keys).toBe(report['keys']);
    // The copy is a normal store: it takes writes.
    expect((await http(restored.url, 'PUT', kv('after'), { body: '1' })).status).toBe(204);
  });

  it('answers 409 BACKUP_EXISTS for a name taken, leaving that backup as it was', async () => {
    const service = await start(join(dir.path, 'data'), { backupDir: backups });
    await http(service.url, 'PUT', kv('a'), { body: '1' });
    expect((await backup(service.url, { name: 'b1' })).status).toBe(201);
    await http(service.url, 'PUT', kv('a'), { body: '2' });
    expectError(await backup(service.url, { name: 'b1' }), 409, 'BACKUP_EXISTS');
    const restored = await start(join(backups, 'b1'));
    expect((await http(restored.url, 'GET', kv('a'))).body.toString()).toBe('1');
  });

  it.each([
    ['a name with a slash', { name: 'a/b' }],
    ['a name climbing out', { name: '..' }],
    ['a hidden name', { name: '.x' }],
    ['no name', {}],
    ['a name that is not a string', { name: 7 }],
    ['a body that is not JSON', 'name=x'],
  ])('answers 400 BAD_BODY for %s, writing nothing', async (_what, body) => {
    const service = await start(join(dir.path, 'data'), { backupDir: backups });
    expectError(await backup(service.url, body), 400, 'BAD_BODY');
    expect((await http(service.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('answers 403 BACKUP_DISABLED on a service started without --backup-dir', async () => {
    const service = await start(join(dir.path, 'data'));
    expectError(await backup(service.url, { name: 'b1' }), 403, 'BACKUP_DISABLED');
  });

  it('needs the bearer token when the service has one (401 without, 201 with)', async () => {
    const service = await start(join(dir.path, 'data'), { backupDir: backups, authToken: TOKEN });
    expectError(await backup(service.url, { name: 'b1' }), 401, 'UNAUTHORIZED');
    const ok = await backup(service.url, { name: 'b1' }, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(201);
  });

  it('answers 405 to another method, naming POST', async () => {
    const service = await start(join(dir.path, 'data'), { backupDir: backups });
    const reply = await http(service.url, 'GET', '/admin/backup');
    expectError(reply, 405, 'METHOD_NOT_ALLOWED');
    expect(reply.headers['allow']).toBe('POST');
  });

  it('answers 403 ADMIN_LOOPBACK_ONLY to a peer on another machine, whatever the interface', async () => {
    const app = buildApp(new LockedStore(), { backupDir: backups });
    const reply = await app.inject({
      method: 'POST',
      url: '/admin/backup',
      remoteAddress: '192.0.2.7',
      payload: JSON.stringify({ name: 'b1' }),
    });
    expect(reply.statusCode).toBe(403);
    expect(reply.json()).toMatchObject({ error: 'ADMIN_LOOPBACK_ONLY' });
    await app.close();
  });
});
