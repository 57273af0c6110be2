import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDoc } from '../src/doc.js';
import { SCENARIOS } from '../src/scenarios/index.js';
import type { Results } from '../src/types.js';

const APP = resolve(import.meta.dirname, '..');
const NODE_ARGS = ['--conditions=@hermes/source', '--import', 'tsx', join(APP, 'src', 'main.ts')];

/** Runs the bench CLI from source; resolves its exit code, output and pid. */
function bench(
  args: string[],
  onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void,
): Promise<{
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  pid: number;
}> {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: APP,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    onStderr?.(stderr, (s) => child.kill(s));
  });
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolvePromise({ code, signal, stdout, stderr, pid: child.pid! }),
    );
  });
}

describe('pnpm bench --smoke', () => {
  let out: string;
  let run: Awaited<ReturnType<typeof bench>>;
  let results: Results;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    run = await bench(['--', '--smoke', '--json', join(out, 'smoke.json')]);
    if (run.code === 0) results = JSON.parse(await readFile(join(out, 'smoke.json'), 'utf8'));
  }, 120_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('runs every scenario without a failure and exits 0', () => {
    expect(run.stderr).not.toContain('failed:');
    expect(run.code).toBe(0);
    expect(Object.keys(results.timings ?? {})).toEqual(
      SCENARIOS.filter((x) => !x.scaleOnly).map((x) => x.id),
    );
    expect(results.rows.filter((r) => r.id.endsWith('.failed'))).toEqual([]);
  });

  it('measures every row of the issue with median, min and max', () => {
    const ids = new Set(results.rows.map((r) => r.id));
    for (const id of [
      'baseline.fdatasync',
      'baseline.fsync.n1',
      'baseline.fsync.n256',
      'baseline.nofsync.n256',
      'record.encode.v100',
      'record.base64-decode.v4096',
      'wal.every.n256.v100',
      'wal.everysec.n16.v4096',
      'baseline.fsync-callbacks.n16',
      'baseline.nofsync-filehandle.n1',
      'wal.replay',
      'store.memory.map',
      'store.memory.sharded',
      'wal-store.sharded.n256',
      'wal-store.locked.n256',
      'wal-store.open.hermes',
      'wal-store.open.bare',
      'wal-store.open.compacted',
      'wal-store.layers.every.n1.durable',
      'wal-store.layers.everysec.n256.floor',
      'wal-store.layers.everysec.n256.durable-locked',
      'demo.bare',
      'demo.always',
      'demo.everysec',
      'peer.lmdb.n256',
      'peer.level-sync.n16',
      'peer.sqlite-full.n1',
      'peer.nedb.n256',
      'peer.redis-always.n256',
      'resp.hermes-always.c50.set',
      'resp.redis-always.c50.set',
      'resp.hermes-everysec.c1.p16.get',
      'resp.redis-everysec.c50.p16.get',
    ])
      expect(ids).toContain(id);
    for (const r of results.rows.filter((x) => !x.skipped)) {
      expect(r.value!.min, r.id).toBeLessThanOrEqual(r.value!.median);
      expect(r.value!.median, r.id).toBeLessThanOrEqual(r.value!.max);
      // A replica that applied a write before its writer heard the ack lags it by 0 ms, and on a
      // busy machine 99% of a short round can do so; every other row measures work that takes time.
      if (r.id.startsWith('replicated.lag.')) expect(r.value!.min, r.id).toBeGreaterThanOrEqual(0);
      else expect(r.value!.median, r.id).toBeGreaterThan(0);
    }
  });

  it('records the machine facts, checks every target, prints the tables', () => {
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.filesystem).not.toBe('');
    expect(results.machine.fdatasyncMs.p50).toBeGreaterThan(0);
    expect(results.targets.length).toBeGreaterThan(15);
    // Every target is measured, none graded: a smoke run's tiny sizes say nothing about speed.
    expect(run.stdout).toMatch(
      /SyncEveryWrite N=256 \/ baseline fdatasync N=256 .*not graded \(smoke\)/,
    );
    expect(results.targets.every((t) => t.holds === null)).toBe(true);
    expect(run.stdout).toContain('Hermes / ...');
  });

  it('writes the SVG chart beside the JSON, with Hermes, the baseline and the peers', async () => {
    const svg = await readFile(join(out, 'smoke.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const name of ['Hermes wal SyncEveryWrite', 'baseline (fdatasync)', 'lmdb'])
      expect(svg).toContain(name);
  });

  it('leaves no temporary folder behind', () => {
    expect(existsSync(join(APP, `.tmp-${run.pid}`))).toBe(false);
  });

  it('generates docs/benchmarks.md from the results file', async () => {
    const doc = generateDoc([join(out, 'smoke.json'), '--out', join(out, 'benchmarks.md')]);
    const md = await readFile(doc, 'utf8');
    expect(md).toContain('# Benchmarks');
    expect(md).toContain('| target | measured | wanted |');
    expect(md).toContain('Do not edit by hand');
    expect(md).toContain('](benchmarks.svg)');
    // Every layer of every layers race, with the bytes it allocated per op.
    const layerLines = md
      .split('\n')
      .filter((l) => /^\| SyncEvery(Write|Second) \| \d+ \| /.test(l));
    expect(layerLines).toHaveLength(2 * 3 * 5);
    for (const line of layerLines) expect(line.split('|')[6]!.trim()).toMatch(/^[\d,.]+$/);
    expect(await readFile(join(out, 'benchmarks.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });
});

describe('an interrupted run', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    it(`removes its data folder on ${signal}`, async () => {
      let sawFolder = false;
      let sent = false;
      let pid = 0;
      const run = await bench(
        ['--smoke', '--only', '^peer\\.(lmdb|level)', '--json', join(tmpdir(), 'never.json')],
        (text, kill) => {
          // The folder exists from the start; the first progress line means a scenario is running.
          if (!sent && text.includes('[1/')) {
            sent = true;
            const dirs = readdirSync(APP).filter((d) => d.startsWith('.tmp-'));
            sawFolder = dirs.length > 0;
            pid = Number(dirs.at(-1)?.slice(5));
            kill(signal);
          }
        },
      );
      expect(sawFolder).toBe(true);
      expect(run.code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(existsSync(join(APP, `.tmp-${pid}`))).toBe(false);
    }, 60_000);
});
