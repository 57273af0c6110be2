import { describe, expect, it } from 'vitest';
import { redisSkipReason } from '../src/peers/binaries.js';
import { freePort } from '../src/peers/free-port.js';
import {
  figuresOf,
  parseRedisBenchmarkCsv,
  RedisBenchmarkError,
  redisBenchmarkArgs,
  redisBenchmarkCommand,
  runRedisBenchmark,
} from '../src/peers/redis-benchmark.js';
import { startRedisServer } from '../src/peers/redis-server.js';

const skip = redisSkipReason(['redis-server', 'redis-benchmark']);
if (skip) console.warn(`skipped: runRedisBenchmark tests (${skip})`);

/** Exactly what redis-benchmark 7.0 prints for `-t set,get --csv` (stdout). */
const CSV_7 = `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","134228.19","5.518","0.632","4.679","11.543","18.223","18.959"
"GET","243902.44","2.656","0.728","2.423","4.559","6.511","6.823"
`;

describe('parseRedisBenchmarkCsv', () => {
  it('reads every test line of redis-benchmark 6.2+ by its header', () => {
    const figures = parseRedisBenchmarkCsv(CSV_7);
    expect([...figures.keys()]).toEqual(['SET', 'GET']);
    expect(figures.get('SET')).toEqual({
      rps: 134228.19,
      avgMs: 5.518,
      p50Ms: 4.679,
      p99Ms: 18.223,
      maxMs: 18.959,
    });
    expect(figures.get('GET')?.rps).toBe(243902.44);
    expect(figures.get('GET')?.p99Ms).toBe(6.511);
  });

  it('reads inf (a run shorter than its 1 ms clock) as Infinity', () => {
    const out = `${CSV_7.split('\n')[0]}\n"GET","inf","0.049","0.032","0.039","0.143","0.143","0.143"\n`;
    expect(parseRedisBenchmarkCsv(out).get('GET')?.rps).toBe(Number.POSITIVE_INFINITY);
  });

  it('finds columns by name, not by position', () => {
    const shuffled = `"test","p99_latency_ms","rps","p50_latency_ms"\n"SET","9.5","1000.5","1.25"\n`;
    expect(parseRedisBenchmarkCsv(shuffled).get('SET')).toMatchObject({
      rps: 1000.5,
      p50Ms: 1.25,
      p99Ms: 9.5,
      avgMs: Number.NaN,
    });
  });

  it('reads the headerless form of older redis-benchmark (requests/s only)', () => {
    const figures = parseRedisBenchmarkCsv('"SET","2358.49"\r\n"GET","19607.84"\r\n');
    expect(figures.get('SET')?.rps).toBe(2358.49);
    expect(figures.get('GET')?.rps).toBe(19607.84);
    expect(figures.get('GET')?.p50Ms).toBeNaN();
  });

  it('ignores lines that are not CSV, and keeps test names with spaces and commas', () => {
    const out = `WARNING: Could not fetch server CONFIG\n${CSV_7}"MSET (10 keys, ""x"")","500","1","0.1","0.9","1","2","3"\n\n`;
    const figures = parseRedisBenchmarkCsv(out);
    expect(figures.get('SET')?.rps).toBe(134228.19);
    expect(figures.get('MSET (10 KEYS, "X")')?.rps).toBe(500);
  });

  it('throws when no test line came out (a server error ends redis-benchmark after the header)', () => {
    const header = CSV_7.split('\n')[0]!;
    for (const out of ['', header, 'Could not connect to Redis at 127.0.0.1:1: Connection refused'])
      expect(() => parseRedisBenchmarkCsv(out)).toThrow(RedisBenchmarkError);
    expect(() => parseRedisBenchmarkCsv(`${header}\n"SET","","1"`)).toThrow(/without requests\/s/);
  });
});

describe('figuresOf', () => {
  it('picks a test in any case, and names what there was when it is absent', () => {
    const figures = parseRedisBenchmarkCsv(CSV_7);
    expect(figuresOf(figures, 'get').rps).toBe(243902.44);
    expect(() => figuresOf(figures, 'incr')).toThrow('no INCR line (only SET, GET)');
  });
});

describe('redisBenchmarkArgs', () => {
  it('is the issue command: 100 B values, 100k random keys, CSV', () => {
    const run = {
      host: '127.0.0.1',
      port: 6400,
      tests: ['set', 'get'],
      requests: 1000,
      clients: 50,
    };
    expect(redisBenchmarkArgs({ ...run, pipeline: 16 })).toEqual(
      '-h 127.0.0.1 -p 6400 -t set,get -d 100 -r 100000 -n 1000 -c 50 -P 16 --csv'.split(' '),
    );
    expect(redisBenchmarkCommand(run)).toBe(
      'redis-benchmark -t set,get -d 100 -r 100000 -n 1000 -c 50 -P 1 --csv',
    );
  });
});

describe.skipIf(skip !== undefined)('runRedisBenchmark', () => {
  it('runs the command against a real server and parses its CSV', async () => {
    const server = await startRedisServer();
    try {
      const run = { host: server.host, port: server.port, tests: ['set', 'get'], requests: 500 };
      const figures = await runRedisBenchmark({ ...run, clients: 5, pipeline: 4 });
      expect(figuresOf(figures, 'set').rps).toBeGreaterThan(0);
      expect(figuresOf(figures, 'get').p50Ms).toBeGreaterThanOrEqual(0);
    } finally {
      await server.stop();
    }
  });

  it('ends at once on a refused connection, where redis-benchmark would spin forever', async () => {
    const port = await freePort();
    const run = { host: '127.0.0.1', port, tests: ['set'], requests: 10, clients: 1 };
    const error = await runRedisBenchmark(run, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisBenchmarkError);
    expect((error as Error).message).toContain('could not connect');
  });
});
