import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from './report/markdown.js';
import { renderSvg } from './report/svg.js';
import type { Results } from './types.js';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(APP, '../..');

/** The newest `results/*.json` of the bench app, or `undefined`. */
export function latestResults(dir: string = join(APP, 'results')): string | undefined {
  try {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    const last = files[files.length - 1];
    return last ? join(dir, last) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `pnpm --dir apps/bench doc [results.json] [--out <file>]`: writes `docs/benchmarks.md` from a
 * results file (default: the newest in `apps/bench/results`), and its chart beside it
 * (`docs/benchmarks.svg`), which the page shows.
 */
export function generateDoc(argv: readonly string[]): string {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? resolve(args[outAt + 1] ?? '') : join(ROOT, 'docs', 'benchmarks.md');
  if (outAt >= 0) args.splice(outAt, 2);
  const input = args[0] ? resolve(args[0]) : latestResults();
  if (!input)
    throw new Error(
      'No results file given and none in apps/bench/results: run `pnpm bench` first.',
    );
  const results = JSON.parse(readFileSync(input, 'utf8')) as Results;
  if (results.version !== 1)
    throw new Error(`${input} is not a Hermes bench results file (version 1).`);
  const chart = `${out.replace(/\.md$/, '')}.svg`;
  writeFileSync(chart, renderSvg(results));
  writeFileSync(out, renderMarkdown(results, relative(ROOT, input), basename(chart)));
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const out = generateDoc(process.argv.slice(2));
    console.log(`wrote ${out}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
