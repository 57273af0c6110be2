import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { outputOf } from '../core/child.js';
import { summarize } from '../core/stats.js';
import type { Context, Row, Scenario } from '../types.js';

/** Whether `command` is on PATH. */
export function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server on a free port with AOF `appendfsync <mode>` in `dir`; resolves when ready. */
async function startRedis(ctx: Context, dir: string, mode: string) {
  const port = await freePort();
  const server = ctx.spawn('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    mode,
    '--save',
    '',
    '--daemonize',
    'no',
  ]);
  let log = '';
  await new Promise<void>((resolve, reject) => {
    server.stdout?.setEncoding('utf8').on('data', (d: string) => {
      log += d;
      if (log.includes('Ready to accept connections')) resolve();
    });
    server.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}): ${log.slice(-500)}`)),
    );
  });
  return {
    port,
    stop: async () => {
      if (server.exitCode !== null) return;
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    },
  };
}

/** Parses redis-benchmark `--csv` output: requests/s and p50/p99 in ms of the SET test. */
export function parseRedisCsv(csv: string): { rps: number; p50: number; p99: number } {
  const lines = csv.trim().split('\n');
  const header = lines[0]?.replaceAll('"', '').split(',') ?? [];
  const row = lines
    .find((l) => l.startsWith('"SET"'))
    ?.replaceAll('"', '')
    .split(',');
  if (!row) throw new Error(`redis-benchmark printed no SET row: ${csv.slice(0, 300)}`);
  const col = (name: string): number => Number(row[header.indexOf(name)]);
  return { rps: col('rps'), p50: col('p50_latency_ms'), p99: col('p99_latency_ms') };
}

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
    if (!onPath('redis-server') || !onPath('redis-benchmark')) {
      process.stderr.write('skipped: redis-server not installed (Redis peer rows are empty)\n');
      for (const m of MODES)
        for (const n of ctx.profile.concurrency)
          rows.push({
            id: `peer.${m.id}.n${n}`,
            group: 'peer',
            label: `${m.name} SET, N=${n}`,
            unit: 'ops/s',
            higherIsBetter: true,
            concurrency: n,
            skipped: 'redis-server not installed',
          });
      return rows;
    }
    for (const m of MODES) {
      const dir = await ctx.dir(m.id);
      const redis = await startRedis(ctx, dir, m.mode);
      try {
        for (const n of ctx.profile.concurrency) {
          ctx.status(`${m.mode} N=${n}`);
          const bench = (count: number) =>
            outputOf(
              ctx.spawn('redis-benchmark', [
                '-h',
                '127.0.0.1',
                '-p',
                String(redis.port),
                '-t',
                'set',
                '-n',
                String(count),
                '-c',
                String(n),
                '-d',
                '100',
                '-r',
                '1000000000000',
                '-P',
                '1',
                '--csv',
              ]),
              'redis-benchmark',
            ).then(parseRedisCsv);
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
