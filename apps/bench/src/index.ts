/**
 * The Hermes bench as a library: run it, check targets, render its outputs. The command line
 * (`pnpm bench`) lives in `main.ts`; `pnpm --dir apps/bench doc` in `doc.ts`.
 */
export { type BenchOptions, parseArgs } from './cli.js';
export { GroupCommitBaseline } from './core/group-commit.js';
export { renderMarkdown } from './report/markdown.js';
export { renderSvg } from './report/svg.js';
export { evaluateTargets, TARGETS, type Target } from './report/targets.js';
export { runBench, selectScenarios } from './run.js';
export type * from './types.js';
