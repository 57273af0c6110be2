import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workdir } from '../src/core/workdir.js';
import { redisSkipReason } from '../src/peers/binaries.js';
import { type RespServer, RespUnsupportedError } from '../src/peers/hermes-resp.js';
import { SMOKE } from '../src/profile.js';
import { respTable } from '../src/report/tables.js';
import { evaluateTargets } from '../src/report/targets.js';
import { launchRedis, type RespLauncher, respScenario } from '../src/scenarios/resp.js';
import type { Context, Row } from '../src/types.js';

const skip = redisSkipReason(['redis-server', 'redis-benchmark']);
if (skip) console.warn(`skipped: RESP rows tests (${skip})`);

let base: string;
let work: Workdir;
let ctx: Context;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'bench-resp-'));
  work = new Workdir(base);
  ctx = {
    profile: { ...SMOKE, rounds: 3 },
    dir: (name) => work.dir(name),
    remove: (path) => work.remove(path),
    spawn: (cmd, args, opts) => work.spawn(cmd, args, opts),
    shared: (_key, make) => make(),
    status: () => {},
  };
});
afterAll(async () => {
  work.disposeSync();
  await rm(base, { recursive: true, force: true });
});

/** A launcher that records the servers it started (to check they were all stopped). */
function recording(launch: RespLauncher, started: RespServer[]): RespLauncher {
  return async (c, sync, dir) => {
    const server = await launch(c, sync, dir);
    started.push(server);
    return server;
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('respScenario: which rows, and --only', () => {
  it('lists one part per sync policy and narrows to the policies --only names', () => {
    const s = respScenario();
    expect(s.id).toBe('resp');
    expect(s.parts).toEqual(['resp.always', 'resp.everysec']);
    expect(s.narrow?.(/^resp$/i)?.parts).toEqual(['resp.always', 'resp.everysec']);
    expect(s.narrow?.(/resp\.everysec/i)?.parts).toEqual(['resp.everysec']);
    expect(s.narrow?.(/hermes-always/i)?.parts).toEqual(['resp.always']);
    expect(s.narrow?.(/redis/i)?.parts).toEqual(['resp.always', 'resp.everysec']);
    expect(s.narrow?.(/^peer\.redis/i)).toBeUndefined();
    expect(s.narrow?.(/wal/i)).toBeUndefined();
  });
});

// Until the demo service has --resp-port, the "Hermes" side is a second redis-server: the
// plumbing (launch, sizing, interleaved runs, rows, targets, table, stop) is what is checked.
describe.skipIf(skip !== undefined)('respScenario against two redis-servers', () => {
  let rows: Row[];
  const started: RespServer[] = [];
  beforeAll(async () => {
    const scenario = respScenario({
      hermes: recording(launchRedis, started),
      redis: recording(launchRedis, started),
    });
    rows = await scenario.run(ctx);
  }, 120_000);

  it('measures SET and GET at c=1 and c=50, with and without P=16, for both sides and policies', () => {
    expect(rows).toHaveLength(2 * 2 * 2 * 2 * 2);
    expect(rows.filter((r) => r.skipped)).toEqual([]);
    for (const id of [
      'resp.hermes-always.c1.set',
      'resp.redis-always.c1.get',
      'resp.hermes-always.c50.p16.set',
      'resp.redis-everysec.c50.get',
      'resp.hermes-everysec.c1.p16.get',
    ])
      expect(rows.map((r) => r.id)).toContain(id);
    for (const r of rows) {
      expect(r.group).toBe('resp');
      expect(r.unit).toBe('req/s');
      expect(r.value!.rounds).toHaveLength(3);
      expect(r.value!.median).toBeGreaterThan(0);
      expect(r.latency!.p50).toBeGreaterThanOrEqual(0);
      expect(r.note).toMatch(
        /^redis-benchmark -t (set|get) -d 100 -r 100000 -n \d+ -c (1|50) -P (1|16) --csv/,
      );
    }
  });

  it('races the two sides of a cell under one id, with the same command', () => {
    const hermes = rows.find((r) => r.id === 'resp.hermes-always.c50.set')!;
    const redis = rows.find((r) => r.id === 'resp.redis-always.c50.set')!;
    expect(hermes.race).toBe('resp.always.c50.set');
    expect(redis.race).toBe(hermes.race);
    expect(redis.note).toBe(hermes.note);
    expect(hermes.concurrency).toBe(50);
  });

  it('gives both RESP targets a figure and fills the RESP table', () => {
    const targets = evaluateTargets(rows).filter((t) => t.id.startsWith('resp.'));
    expect(targets.map((t) => t.id)).toEqual(['resp.always.c50.set', 'resp.everysec.c50.get']);
    for (const t of targets) {
      expect(t.measured).toBeGreaterThan(0);
      expect(t.holds).not.toBeNull();
    }
    const table = respTable(rows);
    expect(table.header).toEqual(['Hermes RESP / Redis', 'SET', 'GET']);
    expect(table.body.map((r) => r[0])).toEqual([
      '--sync always, c=1',
      '--sync always, c=1 P=16',
      '--sync always, c=50',
      '--sync always, c=50 P=16',
      '--sync everysec, c=1',
      '--sync everysec, c=1 P=16',
      '--sync everysec, c=50',
      '--sync everysec, c=50 P=16',
    ]);
    for (const r of table.body)
      expect(r.slice(1)).toEqual([expect.stringMatching(/x$/), expect.stringMatching(/x$/)]);
  });

  it('stopped every server it started and removed their folders', async () => {
    expect(started).toHaveLength(4);
    expect(started.filter((s) => alive(s.pid))).toEqual([]);
    expect((await readdir(work.root)).filter((d) => d.includes('resp-'))).toEqual([]);
  });
});

describe.skipIf(skip !== undefined)('respScenario with a Hermes that has no RESP front', () => {
  it('skips the Hermes rows with one reason and still measures Redis', async () => {
    const started: RespServer[] = [];
    let asked = 0;
    const scenario = respScenario(
      {
        hermes: async () => {
          asked++;
          throw new RespUnsupportedError("error: unknown option '--resp-port'");
        },
        redis: recording(launchRedis, started),
      },
      ['always', 'everysec'],
    );
    const rows = await scenario.run({ ...ctx, profile: { ...ctx.profile, rounds: 1 } });
    expect(asked).toBe(1);
    const hermes = rows.filter((r) => r.id.startsWith('resp.hermes-'));
    const redis = rows.filter((r) => r.id.startsWith('resp.redis-'));
    expect(hermes).toHaveLength(16);
    expect(new Set(hermes.map((r) => r.skipped))).toEqual(
      new Set(['the demo service has no --resp-port yet']),
    );
    expect(redis.filter((r) => r.skipped || !r.value)).toEqual([]);
    const target = evaluateTargets(rows).find((t) => t.id === 'resp.always.c50.set')!;
    expect(target.holds).toBeNull();
    expect(target.missing).toContain('no --resp-port');
    expect(started.filter((s) => alive(s.pid))).toEqual([]);
  }, 120_000);

  it('fails on any other launch error, after stopping what it started', async () => {
    const started: RespServer[] = [];
    const scenario = respScenario(
      {
        hermes: recording(launchRedis, started),
        redis: async () => {
          throw new Error('boom');
        },
      },
      ['everysec'],
    );
    await expect(scenario.run(ctx)).rejects.toThrow('boom');
    expect(started).toHaveLength(1);
    expect(alive(started[0]!.pid)).toBe(false);
  });
});
