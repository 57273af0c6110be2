import { summarize } from '../core/stats.js';
import { findRedisBinaries } from '../peers/binaries.js';
import { type RespServer, startHermesResp } from '../peers/hermes-resp.js';
import {
  type BenchmarkFigures,
  figuresOf,
  type RedisBenchmarkRun,
  redisBenchmarkCommand,
  runRedisBenchmark,
} from '../peers/redis-benchmark.js';
import { startRedisServer } from '../peers/redis-server.js';
import type { Context, Row, Scenario } from '../types.js';

/** The sync policies compared: Hermes `--sync <it>` against Redis `appendfsync <it>`. */
export type RespSync = 'always' | 'everysec';

/** The two servers of every RESP cell. */
export type RespSide = 'hermes' | 'redis';

/** Sync policies of the RESP rows, in the order they run. */
export const RESP_SYNCS: readonly RespSync[] = ['always', 'everysec'];
/** redis-benchmark connections (`-c`) of the RESP rows. */
export const RESP_CLIENTS: readonly number[] = [1, 50];
/** redis-benchmark pipelining (`-P`) of the RESP rows; 1 is none. */
export const RESP_PIPELINES: readonly number[] = [1, 16];
/** redis-benchmark tests (`-t`) of the RESP rows; SET first, so GET finds keys. */
export const RESP_TESTS: readonly ['set', 'get'] = ['set', 'get'];

/** Starts one side's server for `sync`, its data in the fresh folder `dir`. */
export type RespLauncher = (ctx: Context, sync: RespSync, dir: string) => Promise<RespServer>;

/** The Hermes side: the demo service with `--sync <sync> --resp-port <free port>`. */
export const launchHermes: RespLauncher = (ctx, sync, dir) =>
  startHermesResp({ sync, dir, spawn: ctx.spawn });

/** The Redis side: redis-server with `appendonly yes`, `appendfsync <sync>`. */
export const launchRedis: RespLauncher = (ctx, sync, dir) =>
  startRedisServer({ dir, appendfsync: sync, spawn: ctx.spawn });

/** One cell of the grid: a sync policy, connections, pipelining and a test. */
interface Cell {
  readonly sync: RespSync;
  readonly clients: number;
  readonly pipeline: number;
  readonly test: 'set' | 'get';
}

const cellKey = (c: Omit<Cell, 'sync'>): string =>
  `c${c.clients}${c.pipeline > 1 ? `.p${c.pipeline}` : ''}.${c.test}`;

/**
 * Row id of one side of one cell: `resp.<side>-<sync>.c<clients>[.p<pipeline>].<test>`, e.g.
 * `resp.hermes-always.c50.set`, `resp.redis-everysec.c1.p16.get`.
 */
export function respRowId(side: RespSide, cell: Cell): string {
  return `resp.${side}-${cell.sync}.${cellKey(cell)}`;
}

/** Race id shared by both sides of a cell (their ratio is taken round by round). */
function raceOf(cell: Cell): string {
  return `resp.${cell.sync}.${cellKey(cell)}`;
}

function labelOf(side: RespSide, cell: Cell): string {
  const who =
    side === 'hermes' ? `Hermes RESP --sync ${cell.sync}` : `Redis appendfsync ${cell.sync}`;
  const p = cell.pipeline > 1 ? ` P=${cell.pipeline}` : '';
  return `${who} ${cell.test.toUpperCase()}, c=${cell.clients}${p}`;
}

function cellsOf(sync: RespSync): Cell[] {
  return RESP_CLIENTS.flatMap((clients) =>
    RESP_PIPELINES.flatMap((pipeline) =>
      RESP_TESTS.map((test): Cell => ({ sync, clients, pipeline, test })),
    ),
  );
}

/** What every row of a cell says of itself, measured or skipped. */
function rowOf(side: RespSide, cell: Cell) {
  return {
    id: respRowId(side, cell),
    group: 'resp',
    label: labelOf(side, cell),
    unit: 'req/s',
    higherIsBetter: true,
    concurrency: cell.clients,
    race: raceOf(cell),
  } as const;
}

function skippedRow(side: RespSide, cell: Cell, why: string): Row {
  return { ...rowOf(side, cell), skipped: why };
}

/**
 * Measures one cell on every running side, interleaved: a warm-up run each sizes the request
 * count so that the slower side's run lasts about `respRoundMs`, then each round runs every side
 * once with the same command, the order rotating.
 */
async function measureCell(
  ctx: Context,
  servers: readonly (readonly [RespSide, RespServer])[],
  cell: Cell,
  binary: string | undefined,
): Promise<Row[]> {
  const { clients, pipeline, test } = cell;
  const cap = ctx.profile.redisRequests;
  // redis-benchmark 7.0 with -P sometimes aborts ("All clients disconnected") when -n is not a
  // whole number of pipelined batches (1 run in 8 at -n 200 -c 1 -P 16): every -n here is.
  const batch = clients * pipeline;
  const whole = (n: number): number => Math.ceil(n / batch) * batch;
  const runOf = (server: RespServer, requests: number): RedisBenchmarkRun => ({
    host: server.host,
    port: server.port,
    tests: [test],
    requests,
    clients,
    pipeline,
  });
  const once = async (server: RespServer, requests: number): Promise<BenchmarkFigures> =>
    figuresOf(
      await runRedisBenchmark(runOf(server, requests), {
        spawn: ctx.spawn,
        ...(binary ? { binary } : {}),
      }),
      test,
    );
  const where = `${cell.sync} c=${clients} P=${pipeline} ${test.toUpperCase()}`;
  const warmRates: number[] = [];
  for (const [side, server] of servers) {
    ctx.status(`${where} warming up ${side}`);
    // A run shorter than redis-benchmark's 1 ms clock has no rate (`inf`): grow it until it has.
    let rate = Number.POSITIVE_INFINITY;
    for (let n = Math.max(200, batch * 10); !Number.isFinite(rate); n *= 10) {
      rate = (await once(server, whole(Math.min(cap, n)))).rps;
      if (!Number.isFinite(rate) && n >= cap)
        throw new Error(
          `${where} on ${side}: ${cap} requests ran in under 1 ms; raise redisRequests`,
        );
    }
    warmRates.push(rate);
  }
  const floor = Math.min(cap, Math.max(100, batch * 4));
  const sized = Math.round((Math.min(...warmRates) * ctx.profile.respRoundMs) / 1000);
  const requests = whole(Math.max(floor, Math.min(cap, sized)));
  const runs: BenchmarkFigures[][] = servers.map(() => []);
  for (let r = 0; r < ctx.profile.rounds; r++) {
    for (let k = 0; k < servers.length; k++) {
      const i = (k + r) % servers.length;
      const [side, server] = servers[i]!;
      ctx.status(`${where} round ${r + 1}/${ctx.profile.rounds} ${side}`);
      // The faster side may finish a run sized for the slower one within redis-benchmark's 1 ms
      // clock (no rate): run it again, longer.
      let n = requests;
      let figures = await once(server, n);
      while (!Number.isFinite(figures.rps) && n < cap) {
        n = whole(Math.min(cap, n * 10));
        figures = await once(server, n);
      }
      if (!Number.isFinite(figures.rps))
        throw new Error(`${where} on ${side}: ${n} requests ran in under 1 ms (no rate)`);
      runs[i]!.push(figures);
    }
  }
  return servers.map(([side, server], i): Row => {
    const mine = runs[i]!;
    return {
      ...rowOf(side, cell),
      value: summarize(mine.map((x) => x.rps)),
      latency: {
        p50: summarize(mine.map((x) => x.p50Ms)).median,
        p99: summarize(mine.map((x) => x.p99Ms)).median,
        p999: Number.NaN,
        samples: requests * mine.length,
      },
      note: `${redisBenchmarkCommand(runOf(server, requests))}; ${mine.length} runs interleaved with the other side; p50/p99 are medians of the runs'`,
    };
  });
}

/**
 * The RESP rows: `redis-benchmark -t set` and `-t get` (100 B values, 100k random keys) at
 * `-c 1` and `-c 50`, with and without `-P 16`, against Hermes (`--sync always` / `everysec`,
 * RESP front) and redis-server (`appendfsync always` / `everysec`), each on a fresh data folder,
 * both sides measured in interleaved runs. A side whose program is missing, or a Hermes without
 * `--resp-port`, leaves its rows skipped with a one-line reason on stderr. `launchers` replace
 * how each side starts (a test points the Hermes side at a second redis-server).
 */
export function respScenario(
  launchers: Readonly<Record<RespSide, RespLauncher>> = {
    hermes: launchHermes,
    redis: launchRedis,
  },
  syncs: readonly RespSync[] = RESP_SYNCS,
): Scenario {
  return {
    id: 'resp',
    group: 'resp',
    parts: syncs.map((s) => `resp.${s}`),
    narrow(only) {
      if (only.test('resp')) return respScenario(launchers, syncs);
      const kept = syncs.filter((s) =>
        [`resp.${s}`, `resp.hermes-${s}`, `resp.redis-${s}`].some((name) => only.test(name)),
      );
      return kept.length > 0 ? respScenario(launchers, kept) : undefined;
    },
    async run(ctx) {
      const rows: Row[] = [];
      const benchmark = findRedisBinaries(['redis-benchmark']);
      const why: Partial<Record<RespSide, string>> = {};
      if (benchmark.message !== undefined) {
        process.stderr.write(`skipped: RESP rows (${benchmark.message})\n`);
        why.hermes = why.redis = benchmark.message;
      }
      const server = findRedisBinaries(['redis-server']).message;
      if (why.redis === undefined && server !== undefined) {
        process.stderr.write(`skipped: RESP Redis rows (${server})\n`);
        why.redis = server;
      }
      for (const sync of syncs) {
        const running: [RespSide, RespServer][] = [];
        const dirs: string[] = [];
        try {
          for (const side of ['hermes', 'redis'] as const) {
            if (why[side] !== undefined) continue;
            const dir = await ctx.dir(`resp-${side}-${sync}`);
            dirs.push(dir);
            ctx.status(`starting ${side} ${sync}`);
            try {
              running.push([side, await launchers[side](ctx, sync, dir)]);
            } catch (error) {
              if ((error as { code?: unknown }).code !== 'BENCH_NO_RESP') throw error;
              why[side] = 'the demo service has no --resp-port yet';
              process.stderr.write(`skipped: RESP Hermes rows (${(error as Error).message})\n`);
            }
          }
          for (const cell of cellsOf(sync)) {
            const measured =
              running.length > 0
                ? await measureCell(ctx, running, cell, benchmark.paths['redis-benchmark'])
                : [];
            for (const side of ['hermes', 'redis'] as const) {
              const row = measured.find((r) => r.id === respRowId(side, cell));
              rows.push(row ?? skippedRow(side, cell, why[side] ?? 'not started'));
            }
          }
        } finally {
          await Promise.all(running.map(([, s]) => s.stop()));
          for (const dir of dirs) await ctx.remove(dir);
        }
      }
      return rows;
    },
  };
}
