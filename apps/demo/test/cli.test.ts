import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli, userCwd } from '../src/cli.js';

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = parseCli(argv, env, '/work/here');
  if (result.kind !== 'run')
    throw new Error(`expected a config, got exit ${result.code}: ${result.stderr}`);
  return result.config;
};

describe('parseCli', () => {
  it('has the documented defaults', () => {
    expect(run([])).toEqual({
      host: '127.0.0.1',
      port: 8080,
      respPort: undefined,
      respHost: '127.0.0.1',
      respMaxClients: 10_000,
      log: { kind: 'local' },
      dataDir: '/work/here/data',
      sync: { ms: 0, label: 'always' },
      recovery: 'tolerate-tail',
      store: 'sharded',
      shards: 16,
      maxValueBytes: 16 * 1024 * 1024,
      maxKeyBytes: 4096,
      maxBatchOps: 10_000,
      maxBatchBytes: 64 * 1024 * 1024,
      discardBytes: 1024 ** 3,
      discardMs: 30_000,
      shutdownTimeoutMs: 10_000,
      autoCompact: true,
      backupDir: undefined,
      authToken: undefined,
      insecure: false,
    });
  });

  it('takes --backup-dir (or HERMES_BACKUP_DIR) relative to the working directory', () => {
    expect(run(['--backup-dir', 'backups']).backupDir).toBe('/work/here/backups');
    expect(run([], { HERMES_BACKUP_DIR: '/srv/backups' }).backupDir).toBe('/srv/backups');
    expect(run(['--data-dir', '/srv/data', '--backup-dir', '/srv/data-backups']).backupDir).toBe(
      '/srv/data-backups',
    );
  });

  it.each([
    ['the data folder itself', 'data'],
    ['a folder inside the data folder', 'data/backups'],
  ])('refuses --backup-dir as %s (exit 2), saying why', (_what, dir) => {
    const result = parseCli(['--backup-dir', dir], {}, '/work/here');
    expect(result).toMatchObject({ kind: 'exit', code: 2 });
    expect((result as { stderr: string }).stderr).toContain('inside the data folder');
  });

  it('drops one leading "--", as pnpm passes it on', () => {
    expect(run(['--', '--port', '9000']).port).toBe(9000);
  });

  it('reads HERMES_* variables, and a flag wins over its variable', () => {
    const env = {
      HERMES_PORT: '7000',
      HERMES_SYNC: 'everysec',
      HERMES_STORE: 'locked',
      HERMES_DATA_DIR: '/srv/kv',
    };
    const config = run(['--port', '7001'], env);
    expect(config.port).toBe(7001);
    expect(config.sync.label).toBe('everysec');
    expect(config.store).toBe('locked');
    expect(config.dataDir).toBe('/srv/kv');
    expect(run([], { HERMES_MAX_VALUE_BYTES: '1MiB', HERMES_AUTO_COMPACT: 'off' })).toMatchObject({
      maxValueBytes: 1024 * 1024,
      autoCompact: false,
    });
  });

  it('takes --recovery strict|tolerate-tail|salvage from the flag or HERMES_RECOVERY, the flag winning', () => {
    expect(run(['--recovery', 'salvage']).recovery).toBe('salvage');
    expect(run([], { HERMES_RECOVERY: 'strict' }).recovery).toBe('strict');
    expect(run(['--recovery', 'tolerate-tail'], { HERMES_RECOVERY: 'salvage' }).recovery).toBe(
      'tolerate-tail',
    );
  });

  it('refuses an unknown --recovery or HERMES_RECOVERY with exit 2, naming it and the choices', () => {
    expect(parseCli(['--recovery', 'lenient'], {}, '/')).toMatchObject({
      kind: 'exit',
      code: 2,
      stderr: expect.stringMatching(
        /'--recovery <mode>' argument 'lenient' is invalid.*strict, tolerate-tail, salvage/s,
      ),
    });
    expect(parseCli([], { HERMES_RECOVERY: 'lenient' }, '/')).toMatchObject({
      kind: 'exit',
      code: 2,
      stderr: 'hermes: HERMES_RECOVERY "lenient" must be one of strict, tolerate-tail, salvage.\n',
    });
  });

  it('resolves --data-dir against the given folder', () => {
    expect(run(['--data-dir', '../x']).dataDir).toBe('/work/x');
  });

  it.each([
    [['--port', 'eighty']],
    [['--store', 'btree']],
    [['--sync', 'never']],
    [['--shards', '0']],
    [['--unknown']],
    [['extra']],
  ])('exits 2 with a message on %j', (argv) => {
    const result = parseCli(argv, {}, '/');
    expect(result.kind).toBe('exit');
    if (result.kind === 'exit') {
      expect(result.code).toBe(2);
      expect(result.stderr.length).toBeGreaterThan(10);
    }
  });

  it('prints the version with --version and -V, exit 0', async () => {
    const { version } = JSON.parse(
      await readFile(path.join(import.meta.dirname, '../package.json'), 'utf8'),
    );
    for (const flag of ['--version', '-V']) {
      expect(parseCli([flag], {}, '/')).toEqual({
        kind: 'exit',
        code: 0,
        stdout: `hermes ${version}\n`,
        stderr: '',
      });
    }
  });

  it('names the variable, not the flag, when the bad value came from the environment', () => {
    for (const [env, pattern] of [
      [{ HERMES_PORT: 'abc' }, /^hermes: HERMES_PORT "abc" must be a whole number/],
      [{ HERMES_MAX_VALUE_BYTES: 'big' }, /^hermes: HERMES_MAX_VALUE_BYTES "big" is not a size/],
      [{ HERMES_SYNC: '0s' }, /^hermes: HERMES_SYNC "0s" is a zero period/],
    ] as const) {
      const result = parseCli([], env, '/');
      expect(result).toMatchObject({
        kind: 'exit',
        code: 2,
        stderr: expect.stringMatching(pattern),
      });
    }
    expect(parseCli(['--port', 'abc'], {}, '/')).toMatchObject({
      stderr: expect.stringMatching(/^hermes: --port "abc"/),
    });
  });

  it('takes sizes as --help shows them, and durations up to 1h', () => {
    expect(
      run(['--max-value-bytes', '1MB', '--max-batch-bytes', '16MiB', '--sync', '1h']),
    ).toMatchObject({
      maxValueBytes: 1_000_000,
      maxBatchBytes: 16 * 1024 ** 2,
      sync: { ms: 3_600_000, label: '1h' },
    });
    const help = parseCli(['--help'], {}, '/');
    expect(help.kind === 'exit' && help.stdout).toMatch(
      /--max-value-bytes <size>.*\(default: "16MiB"\)/s,
    );
  });

  it('refuses a bad choice in a variable too', () => {
    const result = parseCli([], { HERMES_STORE: 'btree' }, '/');
    expect(result).toMatchObject({ kind: 'exit', code: 2 });
  });

  it('prints help with every flag and variable, exit 0', () => {
    const result = parseCli(['--help'], {}, '/');
    expect(result.kind).toBe('exit');
    if (result.kind === 'exit') {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('--max-batch-bytes');
      expect(result.stdout).toContain('HERMES_SHUTDOWN_TIMEOUT');
    }
  });
});

describe('--log and --stream: a replica on NATS JetStream', () => {
  const refused = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
    const result = parseCli(argv, env, '/work/here');
    if (result.kind !== 'exit') throw new Error('expected exit 2, got a config');
    expect(result.code).toBe(2);
    return result.stderr;
  };
  const NATS = 'nats://127.0.0.1:4222,nats://127.0.0.1:4223';

  it('takes the servers and the stream from the flags or HERMES_LOG and HERMES_STREAM, the flag winning', () => {
    expect(run(['--log', NATS]).log).toEqual({
      kind: 'nats',
      servers: ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223'],
      stream: 'hermes',
    });
    expect(run([], { HERMES_LOG: 'nats://h:1', HERMES_STREAM: 'kv_2' }).log).toEqual({
      kind: 'nats',
      servers: ['nats://h:1'],
      stream: 'kv_2',
    });
    expect(run(['--log', 'local'], { HERMES_LOG: 'nats://h:1' }).log).toEqual({ kind: 'local' });
  });

  it('on nats, reads sync as quorum and compacts automatically only when asked (one replica is enough)', () => {
    expect(run(['--log', NATS])).toMatchObject({
      sync: { ms: 0, label: 'quorum' },
      autoCompact: false,
    });
    expect(run(['--log', NATS, '--auto-compact', 'off']).autoCompact).toBe(false);
    expect(run(['--log', NATS, '--auto-compact', 'on']).autoCompact).toBe(true);
    expect(run(['--log', NATS], { HERMES_AUTO_COMPACT: 'on' }).autoCompact).toBe(true);
    expect(run(['--log', NATS, '--backup-dir', 'off']).backupDir).toBeUndefined();
  });

  it.each([
    ['nats://127.0.0.1', /--log "nats:\/\/127\.0\.0\.1" has .* which lacks a host and a port/],
    ['http://127.0.0.1:4222', /--log .* not a nats:\/\/ URL/],
    ['nats://127.0.0.1:4222,', /--log .* has an empty server/],
    ['nats://u:p@127.0.0.1:4222', /--log .* has credentials/],
    ['nats://127.0.0.1:4222/x', /--log .* more than a host and a port/],
    ['remote', /--log "remote" has "remote", which is not a URL: give "local"/],
  ])('refuses --log %s with exit 2, naming the flag and the form it takes', (value, pattern) => {
    expect(refused(['--log', value])).toMatch(pattern);
  });

  it('names HERMES_LOG when the bad value came from it', () => {
    expect(refused([], { HERMES_LOG: 'nats://x' })).toMatch(/^hermes: HERMES_LOG "nats:\/\/x"/);
  });

  it('refuses a stream name JetStream cannot take', () => {
    expect(refused(['--log', NATS, '--stream', 'a.b'])).toMatch(
      /--stream "a\.b" is not a stream name/,
    );
  });

  it('refuses --stream on the local log, which has no stream', () => {
    expect(refused(['--stream', 'kv'])).toMatch(/--stream "kv" applies only to a replicated log/);
    expect(refused([], { HERMES_STREAM: 'kv' })).toMatch(/HERMES_STREAM "kv" applies only/);
  });

  it.each([
    [
      ['--data-dir', './d'],
      {},
      /--data-dir does not apply with --log nats:\/\/\.\.\. \(the log is the stream/,
    ],
    [
      ['--sync', 'always'],
      {},
      /--sync does not apply .* a quorum of the stream's replicas stored it/,
    ],
    [[], { HERMES_SYNC: 'everysec' }, /HERMES_SYNC does not apply/],
    [['--recovery', 'salvage'], {}, /--recovery does not apply/],
    [['--backup-dir', '/srv/b'], {}, /--backup-dir does not apply .* nats stream backup/],
    [[], { HERMES_BACKUP_DIR: '/srv/b' }, /HERMES_BACKUP_DIR does not apply/],
  ])('refuses %j %j with nats, as only the local log has it', (argv, env, pattern) => {
    expect(refused(['--log', NATS, ...argv], env)).toMatch(pattern);
  });
});

describe('who may talk to it: the token and protected mode', () => {
  const TOKEN = 'a-token-of-32-characters-0123456';
  const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
    const result = parseCli(argv, env, '/work/here');
    if (result.kind !== 'exit' || result.code !== 2)
      throw new Error(`expected exit 2, got ${JSON.stringify(result)}`);
    return result.stderr;
  };

  it('refuses a host beyond loopback with no token, saying how to set one', () => {
    expect(refusal(['--host', '0.0.0.0'])).toMatch(
      /--host "0.0.0.0" is reachable from other machines and no token is set.*--auth-token-file.*--insecure on/,
    );
    expect(refusal(['--resp-port', '6380', '--resp-host', '10.0.0.5'])).toMatch(
      /--resp-host "10.0.0.5"/,
    );
  });

  it('takes such a host with a token (flag, variable or file), or with --insecure on', async () => {
    expect(run(['--host', '0.0.0.0', '--auth-token', TOKEN])).toMatchObject({
      host: '0.0.0.0',
      authToken: TOKEN,
    });
    expect(run(['--host', '::'], { HERMES_AUTH_TOKEN: TOKEN }).authToken).toBe(TOKEN);
    expect(run(['--host', '0.0.0.0', '--insecure', 'on'])).toMatchObject({
      authToken: undefined,
      insecure: true,
    });
    expect(run(['--resp-host', '192.168.1.2', '--auth-token', TOKEN]).respHost).toBe('192.168.1.2');
    const dir = await mkdtemp(path.join(tmpdir(), 'hermes-token-'));
    try {
      await writeFile(path.join(dir, 'token'), `${TOKEN}\n`);
      const fromFile = parseCli(['--auth-token-file', 'token'], {}, dir);
      expect(fromFile).toMatchObject({ kind: 'run', config: { authToken: TOKEN } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a short token, one with spaces, both sources at once, and an unreadable file', () => {
    expect(refusal(['--auth-token', 'short'])).toMatch(/at least 16 characters/);
    expect(refusal(['--auth-token', 'has a space in it, long enough'])).toMatch(/no spaces/);
    expect(refusal(['--auth-token', TOKEN, '--auth-token-file', 'f'])).toMatch(/not both/);
    expect(refusal(['--auth-token-file', '/nonexistent/token'])).toMatch(
      /cannot be read \(ENOENT\)/,
    );
  });
});

describe('userCwd', () => {
  it("uses INIT_CWD only when run as this app's start script", () => {
    const script = {
      npm_lifecycle_event: 'start',
      npm_package_name: '@hermes/demo',
      INIT_CWD: '/home/me',
    };
    expect(userCwd(script, '/repo/apps/demo')).toBe('/home/me');
    expect(userCwd({ ...script, npm_lifecycle_event: 'test' }, '/repo/apps/demo')).toBe(
      '/repo/apps/demo',
    );
    expect(userCwd({ INIT_CWD: '/home/me' }, '/repo')).toBe('/repo');
  });
});
