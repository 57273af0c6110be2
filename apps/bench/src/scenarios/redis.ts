import { summarize } from '../core/stats.js';
import { findRedisBinaries } from '../peers/binaries.js';
import { figuresOf, runRedisBenchmark } from '../peers/redis-benchmark.js';
import { startRedisServer } from '../peers/redis-server.js';
import type { Row, Scenario } from '../types.js';

const MODES = [
  { id: 'redis-always', mode: 'always', name: 'Redis appendfsync always', durable: true },
  { id: 'redis-everysec', mode: 'everysec', name: 'Redis appendfsync everysec', durable: false },
] as const;

/**
 * Redis with AOF `appendfsync always` and `everysec`, driven by `redis-benchmark` (SET of 100 B
 * values, random 16-byte keys, N connections, no pipelining). Skipped with a clear line when
 * `redis-server` is not installed.
 */
export const redisScenario: Scenario = {
  id: 'peer.redis',
  group: 'peer',
  async run(ctx) {
    const rows: Row[] = [];
    const missing = findRedisBinaries(['redis-server', 'redis-benchmark']).message;
    if (missing !== undefined) {
      process.stderr.write(`skipped: Redis peer rows (${missing})\n`);
      for (const m of MODES)
        for (const n of ctx.profile.concurrency)
          rows.push({
            id: `peer.${m.id}.n${n}`,
            group: 'peer',
            label: `${m.name} SET, N=${n}`,
            unit: 'ops/s',
            higherIsBetter: true,
            concurrency: n,
            skipped: missing,
          });
      return rows;
    }
    for (const m of MODES) {
      const dir = await ctx.dir(m.id);
      const redis = await startRedisServer({ dir, appendfsync: m.mode, spawn: ctx.spawn });
      try {
        for (const n of ctx.profile.concurrency) {
          ctx.status(`${m.mode} N=${n}`);
          const bench = async (count: number) => {
            const figures = await runRedisBenchmark(
              {
                host: redis.host,
                port: redis.port,
                tests: ['set'],
                requests: count,
                clients: n,
                keyspace: 1e12,
              },
              { spawn: ctx.spawn },
            );
            const set = figuresOf(figures, 'set');
            return { rps: set.rps, p50: set.p50Ms, p99: set.p99Ms };
          };
          // redis-benchmark counts requests, not time: the warm-up sizes the rounds to roundMs.
          const warm = await bench(Math.max(200, n * 20));
          const requests = Math.min(
            ctx.profile.redisRequests,
            Math.max(n * 4, Math.round((warm.rps * ctx.profile.roundMs) / 1000)),
          );
          const runs: { rps: number; p50: number; p99: number }[] = [];
          for (let r = 0; r < ctx.profile.rounds; r++) runs.push(await bench(requests));
          const p99s = runs.map((x) => x.p99).sort((a, b) => a - b);
          rows.push({
            id: `peer.${m.id}.n${n}`,
            group: 'peer',
            label: `${m.name} SET, N=${n}`,
            unit: 'ops/s',
            higherIsBetter: true,
            value: summarize(runs.map((x) => x.rps)),
            latency: {
              p50: summarize(runs.map((x) => x.p50)).median,
              p99: p99s[p99s.length >> 1]!,
              p999: Number.NaN,
              samples: requests * runs.length,
            },
            concurrency: n,
            series: `${m.name}${m.durable ? '' : ' (not durable)'}`,
            note: `redis-benchmark -t set -d 100 -r 1e12 -c ${n} -n ${requests} (median of ${runs.length} runs' p50/p99)`,
          });
        }
      } finally {
        await redis.stop();
      }
    }
    return rows;
  },
};
