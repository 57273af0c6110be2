import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RespUnsupportedError,
  refusedRespFlag,
  respAddress,
  startHermesResp,
} from '../src/peers/hermes-resp.js';

describe('respAddress', () => {
  it('reads redis://host:port from a start-up line', () => {
    const line =
      'hermes listening on http://127.0.0.1:40001 | resp redis://127.0.0.1:40002 | data /d | sync always';
    expect(respAddress(line)).toEqual({ host: '127.0.0.1', port: 40002 });
    expect(respAddress('x | resp redis://[::1]:6380')).toEqual({ host: '::1', port: 6380 });
    expect(respAddress('resp redis://localhost:6380\n')).toEqual({ host: 'localhost', port: 6380 });
  });

  it('is undefined on a line without a RESP address', () => {
    expect(respAddress('hermes listening on http://127.0.0.1:8080 | data ./data')).toBeUndefined();
  });
});

describe('refusedRespFlag', () => {
  it("recognises commander's refusal of --resp-port, and nothing else", () => {
    expect(refusedRespFlag("error: unknown option '--resp-port'\n")).toBe(true);
    expect(refusedRespFlag("error: unknown option '--resp'\n")).toBe(false);
    expect(refusedRespFlag('hermes: 127.0.0.1:1 is already in use')).toBe(false);
  });
});

/**
 * Stand-ins for the demo service's entry point, in plain JavaScript: each answers the flags
 * `startHermesResp` passes the way one version of the service would.
 */
const FAKES = {
  // A service from before the RESP front: commander refuses the flag, exit 2.
  old: `process.stderr.write("error: unknown option '--resp-port'\\n"); process.exit(2);`,
  // A service that listens on --resp-port and names it on its start-up line.
  named: `
    import { createServer } from 'node:net';
    const arg = (f) => process.argv[process.argv.indexOf(f) + 1];
    const server = createServer((s) => s.end('+PONG\\r\\n')).listen(Number(arg('--resp-port')), '127.0.0.1', () => {
      process.stdout.write('hermes listening on http://127.0.0.1:1 | resp redis://127.0.0.1:' + server.address().port + ' | data ' + arg('--data-dir') + ' | sync ' + arg('--sync') + '\\nlater output\\n');
    });
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`,
  // The same, with a start-up line that does not name the RESP address.
  unnamed: `
    import { createServer } from 'node:net';
    const arg = (f) => process.argv[process.argv.indexOf(f) + 1];
    const server = createServer((s) => s.end('+PONG\\r\\n')).listen(Number(arg('--resp-port')), '127.0.0.1', () => {
      process.stdout.write('hermes listening on http://127.0.0.1:1 | data ' + arg('--data-dir') + '\\n');
    });
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`,
  crash: `process.stderr.write('hermes: could not start: boom\\n'); process.exit(1);`,
} as const;

describe('startHermesResp', () => {
  let dir: string;
  const entry = (name: keyof typeof FAKES): string => join(dir, `${name}.mjs`);
  const options = (name: keyof typeof FAKES) => ({
    sync: 'everysec' as const,
    dir,
    entry: entry(name),
    spawn,
    readyTimeoutMs: 20_000,
  });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-hermes-resp-'));
    for (const [name, code] of Object.entries(FAKES))
      await writeFile(join(dir, `${name}.mjs`), code);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The first line a RESP server sends on connect (the fakes greet with +PONG). */
  function greeting(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.setEncoding('utf8').once('data', (d: string) => {
        socket.destroy();
        resolve(d);
      });
      socket.once('error', reject);
    });
  }

  it('passes --port 0, --data-dir, --sync and a free --resp-port, and reads the address back', async () => {
    const server = await startHermesResp(options('named'));
    try {
      expect(server.host).toBe('127.0.0.1');
      expect(await greeting(server.host, server.port)).toBe('+PONG\r\n');
    } finally {
      await server.stop();
    }
    expect(() => process.kill(server.pid, 0)).toThrow();
  });

  it('falls back to the port it passed when the start-up line does not name one', async () => {
    const server = await startHermesResp(options('unnamed'));
    try {
      expect(await greeting(server.host, server.port)).toBe('+PONG\r\n');
    } finally {
      await server.stop();
      await server.stop();
    }
  });

  it('says the service has no RESP front when it refuses --resp-port', async () => {
    const error = await startHermesResp(options('old')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RespUnsupportedError);
    expect((error as RespUnsupportedError).code).toBe('BENCH_NO_RESP');
  });

  it('fails with its stderr when the service exits for another reason', async () => {
    const error = await startHermesResp(options('crash')).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RespUnsupportedError);
    expect((error as Error).message).toMatch(/exited \(1\) before listening: .*boom/);
  });

  it('fails plainly when the service is not built', async () => {
    await expect(
      startHermesResp({ ...options('named'), entry: join(dir, 'no.js') }),
    ).rejects.toThrow(/not built/);
  });
});
