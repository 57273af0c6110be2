import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import type { SpawnChild } from './redis-server.js';

/** One test's line of `redis-benchmark --csv`: requests/s and latencies in milliseconds. */
export interface BenchmarkFigures {
  /**
   * Requests per second; `Infinity` when the run ended within redis-benchmark's 1 ms clock
   * (it prints `inf`): too few requests to measure anything.
   */
  readonly rps: number;
  /** Latencies: `NaN` when this redis-benchmark does not print them (before 6.2). */
  readonly avgMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Thrown when redis-benchmark fails, hangs or prints nothing usable. */
export class RedisBenchmarkError extends Error {
  /** Stable code callers branch on. */
  readonly code = 'BENCH_REDIS_BENCHMARK' as const;

  /** `message` says what went wrong and quotes what redis-benchmark printed. */
  constructor(message: string) {
    super(message);
    this.name = 'RedisBenchmarkError';
  }
}

/** The fields of one CSV line: `"a","b",c` -> `['a', 'b', 'c']` (quotes off). */
function fields(line: string): string[] {
  return [...line.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!.trim(),
  );
}

/**
 * Parses what `redis-benchmark --csv` printed into one entry per test, keyed by its name in
 * upper case (`SET`, `GET`). Reads both forms: redis-benchmark 6.2 and later print a header
 * (`"test","rps","avg_latency_ms",...,"p50_latency_ms",...`), older ones `"SET","12345.67"` with
 * no header and no latencies. Lines that are not CSV (warnings) are ignored; `inf` (a run shorter
 * than its 1 ms clock) reads as `Infinity`.
 * @throws RedisBenchmarkError when no test line is found, or one has no requests/s number.
 */
export function parseRedisBenchmarkCsv(csv: string): Map<string, BenchmarkFigures> {
  const lines = csv
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('"'));
  let header: string[] = [];
  const out = new Map<string, BenchmarkFigures>();
  for (const line of lines) {
    const cells = fields(line);
    if (cells[0] === 'test') {
      header = cells;
      continue;
    }
    const col = (name: string, fallback: number): number => {
      const at = header.indexOf(name);
      const cell = at >= 0 ? cells[at] : fallback >= 0 ? cells[fallback] : undefined;
      if (cell === undefined || cell === '') return Number.NaN;
      return /^\+?inf$/i.test(cell) ? Number.POSITIVE_INFINITY : Number(cell);
    };
    const rps = col('rps', header.length === 0 ? 1 : -1);
    if (Number.isNaN(rps))
      throw new RedisBenchmarkError(`redis-benchmark printed a line without requests/s: ${line}`);
    out.set(cells[0]!.toUpperCase(), {
      rps,
      avgMs: col('avg_latency_ms', -1),
      p50Ms: col('p50_latency_ms', -1),
      p99Ms: col('p99_latency_ms', -1),
      maxMs: col('max_latency_ms', -1),
    });
  }
  if (out.size === 0)
    throw new RedisBenchmarkError(
      `redis-benchmark printed no result line: ${JSON.stringify(csv.slice(0, 300))}`,
    );
  return out;
}

/** One redis-benchmark run. */
export interface RedisBenchmarkRun {
  readonly host: string;
  readonly port: number;
  /** Tests (`-t`), e.g. `['set']`, `['set', 'get']`. */
  readonly tests: readonly string[];
  /** Total requests per test (`-n`). */
  readonly requests: number;
  /** Parallel connections (`-c`). */
  readonly clients: number;
  /** Requests pipelined per connection (`-P`). @default 1 */
  readonly pipeline?: number;
  /** Value size in bytes (`-d`). @default 100 */
  readonly dataSize?: number;
  /** Keys are `key:<random below this>` (`-r`), 16 bytes up to 1e12. @default 100_000 */
  readonly keyspace?: number;
}

/** The arguments of `redis-benchmark` for `run`, `--csv` output. */
export function redisBenchmarkArgs(run: RedisBenchmarkRun): string[] {
  return [
    '-h',
    run.host,
    '-p',
    String(run.port),
    '-t',
    run.tests.join(','),
    '-d',
    String(run.dataSize ?? 100),
    '-r',
    String(run.keyspace ?? 100_000),
    '-n',
    String(run.requests),
    '-c',
    String(run.clients),
    '-P',
    String(run.pipeline ?? 1),
    '--csv',
  ];
}

/** The command line of `run` as a person would type it (for notes and error messages). */
export function redisBenchmarkCommand(run: RedisBenchmarkRun): string {
  return ['redis-benchmark', ...redisBenchmarkArgs(run).slice(4)].join(' ');
}

/**
 * Runs redis-benchmark once and parses its CSV. redis-benchmark spins forever when it cannot
 * connect, so "Could not connect" on its stderr ends it at once, and so does `timeoutMs`.
 * @default binary 'redis-benchmark'; spawn child_process.spawn; timeoutMs 120_000
 * @throws RedisBenchmarkError when it cannot connect, exits non-zero (a server's error reply
 *   makes it exit 1), outlasts `timeoutMs`, or prints no result.
 */
export function runRedisBenchmark(
  run: RedisBenchmarkRun,
  options: { binary?: string; spawn?: SpawnChild; timeoutMs?: number } = {},
): Promise<Map<string, BenchmarkFigures>> {
  const child: ChildProcess = (options.spawn ?? nodeSpawn)(
    options.binary ?? 'redis-benchmark',
    redisBenchmarkArgs(run),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    const end = (why: string): void => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => end(`did not finish within ${timeoutMs} ms`), timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (err.includes('Could not connect')) end('could not connect');
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new RedisBenchmarkError(`${redisBenchmarkCommand(run)}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const said = `${err.trim()}\n${out.trim()}`.trim().slice(-1500);
      if (failure !== undefined || code !== 0) {
        const why = failure ?? `exited with ${signal ?? code}`;
        reject(new RedisBenchmarkError(`${redisBenchmarkCommand(run)} ${why}: ${said}`));
        return;
      }
      try {
        resolve(parseRedisBenchmarkCsv(out));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * The figures of `test` (any case) in a parsed run.
 * @throws RedisBenchmarkError when the run has no line for it.
 */
export function figuresOf(
  figures: ReadonlyMap<string, BenchmarkFigures>,
  test: string,
): BenchmarkFigures {
  const found = figures.get(test.toUpperCase());
  if (!found)
    throw new RedisBenchmarkError(
      `redis-benchmark printed no ${test.toUpperCase()} line (only ${[...figures.keys()].join(', ')})`,
    );
  return found;
}
