import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { childScript, FROM_SOURCE, nodeArgs } from '../core/child.js';
import { keyOf } from '../core/data.js';
import { summarize } from '../core/stats.js';
import type { Context, Row, Scenario } from '../types.js';

/** Connections of every demo row. */
export const CONNECTIONS = 64;

/** Entry point of the demo service, as `pnpm --dir apps/demo start` runs it. */
export function demoEntry(): string {
  return fileURLToPath(
    new URL(
      FROM_SOURCE ? '../../../demo/src/main.ts' : '../../../demo/dist/main.js',
      import.meta.url,
    ),
  );
}

/** Waits for the first `http://...` URL a server prints on stdout; rejects if it exits first. */
export function urlOf(child: ChildProcess, what: string): Promise<string> {
  let out = '';
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /http:\/\/[^\s|]+/.exec(out);
      if (m) resolve(m[0].replace(/\/$/, ''));
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${what} exited (${signal ?? code}) before listening: ${err.slice(-1000)}`)),
    );
  });
}

/** Stops a server child with SIGTERM and waits for it to exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** One autocannon run of PUTs of 100 B values to fresh keys; resolves req/s and latencies. */
async function load(url: string, seconds: number, counter: { next: number }) {
  const body = Buffer.alloc(100, 0x61);
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body,
        setupRequest: (req) => ({ ...req, path: `/kv/${keyOf(counter.next++)}` }),
      },
    ],
  });
  return outcomeOf(url, result, seconds);
}

/** What one autocannon run measured. */
export interface LoadOutcome {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
}

/** One autocannon run's req/s, latencies and count; throws if any answer was not 2xx. */
export function outcomeOf(url: string, result: autocannon.Result, seconds: number): LoadOutcome {
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    rps: result.requests.total / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
  };
}

async function measure(
  ctx: Context,
  id: string,
  label: string,
  args: string[],
  what: string,
): Promise<Row> {
  const child = ctx.spawn(process.execPath, nodeArgs(args));
  try {
    const url = await urlOf(child, what);
    const counter = { next: 0 };
    await load(url, Math.min(1, ctx.profile.httpSeconds), counter);
    const runs = [];
    for (let r = 0; r < ctx.profile.rounds; r++)
      runs.push(await load(url, ctx.profile.httpSeconds, counter));
    const p99s = runs.map((x) => x.p99);
    return {
      id,
      group: 'demo',
      label,
      unit: 'req/s',
      higherIsBetter: true,
      value: summarize(runs.map((x) => x.rps)),
      latency: {
        p50: summarize(runs.map((x) => x.p50)).median,
        p99: summarize(p99s).median,
        p999: Number.NaN,
        samples: runs.reduce((s, x) => s + x.total, 0),
      },
      concurrency: CONNECTIONS,
      note: `autocannon, ${CONNECTIONS} connections, ${ctx.profile.httpSeconds} s rounds; p50/p99 are medians of the rounds'`,
    };
  } finally {
    await stop(child);
  }
}

/**
 * The demo service under load: PUT of 100 B values at 64 connections with `--sync always` and
 * `--sync everysec`, beside a bare Fastify route answering 204, each server in a child process.
 */
export const demoScenario: Scenario = {
  id: 'demo',
  group: 'demo',
  async run(ctx) {
    const rows: Row[] = [];
    ctx.status('bare fastify');
    rows.push(
      await measure(
        ctx,
        'demo.bare',
        'bare Fastify PUT answering 204',
        [childScript('bare-server')],
        'bare server',
      ),
    );
    const entry = demoEntry();
    if (!existsSync(entry))
      throw new Error(`the demo service is not built: ${entry} is missing (run pnpm build)`);
    for (const sync of ['always', 'everysec'] as const) {
      ctx.status(`demo --sync ${sync}`);
      const dir = await ctx.dir(`demo-${sync}`);
      rows.push(
        await measure(
          ctx,
          `demo.${sync}`,
          `demo service PUT --sync ${sync}`,
          [entry, '--port', '0', '--data-dir', dir, '--sync', sync],
          `demo --sync ${sync}`,
        ),
      );
      await ctx.remove(dir);
    }
    return rows;
  },
};
