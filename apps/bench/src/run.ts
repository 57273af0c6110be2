import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './cli.js';
import { Progress } from './core/progress.js';
import { Workdir } from './core/workdir.js';
import { gitCommit, machineFacts } from './machine.js';
import { textTable } from './report/format.js';
import { renderSvg } from './report/svg.js';
import { ratioTable, respTable, rowsTable, targetsTable } from './report/tables.js';
import { evaluateTargets } from './report/targets.js';
import { SCENARIOS } from './scenarios/index.js';
import type { Results, Row, Scenario } from './types.js';

/** The bench app's folder (`apps/bench`). */
export const APP_DIR: string = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The scenarios a run with `options` executes, in order. */
export function selectScenarios(
  options: Pick<BenchOptions, 'only' | 'scale'>,
  all: readonly Scenario[] = SCENARIOS,
): Scenario[] {
  const only = options.only;
  const picked: Scenario[] = [];
  for (const s of all) {
    if (s.scaleOnly && !options.scale) continue;
    if (!only) picked.push(s);
    else if (s.narrow) {
      const narrowed = s.narrow(only);
      if (narrowed) picked.push(narrowed);
    } else if (only.test(s.id)) picked.push(s);
  }
  return picked;
}

/** What a finished run hands back. */
export interface RunOutcome {
  readonly results: Results;
  readonly jsonPath: string;
  readonly svgPath: string;
  /** Scenarios that threw (a bug in the bench or in a layer), with the error. */
  readonly failures: readonly { readonly scenario: string; readonly error: string }[];
}

/**
 * Runs the selected scenarios in a temporary folder beside the app (removed at the end, also on
 * SIGINT/SIGTERM), prints the tables to stdout, writes the JSON results and the SVG chart.
 */
export async function runBench(
  options: BenchOptions,
  argv: readonly string[],
): Promise<RunOutcome> {
  const started = new Date();
  const t0 = performance.now();
  const work = new Workdir(APP_DIR);
  try {
    const scenarios = selectScenarios(options);
    const commit = gitCommit(APP_DIR);
    const probeDir = await work.dir('machine');
    const machine = machineFacts(probeDir, Math.min(200, options.profile.fsyncSamples));
    const progress = new Progress(scenarios.length);
    const rows: Row[] = [];
    const failures: { scenario: string; error: string }[] = [];
    const fixtures = new Map<string, Promise<unknown>>();
    const timings: Record<string, number> = {};
    for (const scenario of scenarios) {
      progress.begin(scenario.id);
      const began = performance.now();
      try {
        const produced = await scenario.run({
          profile: options.profile,
          dir: (name) => work.dir(name),
          remove: (path) => work.remove(path),
          shared: <T>(key: string, make: () => Promise<T>): Promise<T> => {
            let fixture = fixtures.get(key) as Promise<T> | undefined;
            if (!fixture) {
              fixture = make();
              fixtures.set(key, fixture);
            }
            return fixture;
          },
          spawn: (cmd, args, opts) => work.spawn(cmd, args, opts),
          status: (text) => progress.status(text),
        });
        rows.push(...produced);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ scenario: scenario.id, error: message });
        rows.push({
          id: `${scenario.id}.failed`,
          group: scenario.group,
          label: `${scenario.id} (failed)`,
          unit: '',
          higherIsBetter: true,
          skipped: `failed: ${error instanceof Error ? error.message : String(error)}`,
        });
        process.stderr.write(`\nscenario ${scenario.id} failed: ${message}\n`);
      }
      timings[scenario.id] = Math.round((performance.now() - began) / 100) / 10;
      progress.end();
    }
    progress.stop();
    const results: Results = {
      version: 1,
      startedAt: started.toISOString(),
      durationS: (performance.now() - t0) / 1000,
      profile: options.profile.name,
      command: ['pnpm bench', ...argv].join(' '),
      ...(commit ? { commit } : {}),
      machine,
      rows,
      timings,
      targets: evaluateTargets(rows, undefined, { grade: options.profile.name !== 'smoke' }),
    };
    const stamp = started
      .toISOString()
      .replaceAll(':', '-')
      .replace(/\.\d+Z$/, 'Z');
    const jsonPath = resolve(options.json ?? join(APP_DIR, 'results', `${stamp}.json`));
    const svgPath = jsonPath.replace(/(\.json)?$/, '.svg');
    mkdirSync(dirname(jsonPath), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(svgPath, renderSvg(results));
    printReport(results, options.only !== undefined);
    process.stdout.write(`\nresults: ${jsonPath}\nchart:   ${svgPath}\n`);
    return { results, jsonPath, svgPath, failures };
  } finally {
    work.disposeSync();
  }
}

function printReport(results: Results, narrowed: boolean): void {
  const m = results.machine;
  const concurrency = [
    ...new Set(results.rows.flatMap((r) => (r.concurrency === undefined ? [] : [r.concurrency]))),
  ].sort((a, b) => a - b);
  const t = (x: { header: string[]; body: string[][] }): string => textTable(x.header, x.body);
  const shown = {
    targets: narrowed
      ? results.targets.filter((x) => !x.missing?.endsWith(' not run'))
      : results.targets,
  };
  const hidden = results.targets.length - shown.targets.length;
  const ratios = ratioTable(results.rows, concurrency);
  const resp = respTable(results.rows);
  const out = [
    '',
    `Hermes bench (${results.profile}) on ${m.cpu}, ${m.cores} cores, ${m.filesystem}, Node ${m.node}; raw fdatasync p50 ${m.fdatasyncMs.p50.toFixed(2)} ms, p99 ${m.fdatasyncMs.p99.toFixed(2)} ms; ${results.durationS.toFixed(0)} s`,
    '',
    t(rowsTable(results.rows)),
    '',
    ...(ratios.body.length > 0 ? [t(ratios), ''] : []),
    ...(resp.body.length > 0 ? [t(resp), ''] : []),
    t(targetsTable(shown)),
    hidden > 0 ? `(${hidden} targets need rows that --only left out)\n` : '',
  ];
  process.stdout.write(out.join('\n'));
}
