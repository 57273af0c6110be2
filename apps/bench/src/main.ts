import { parseArgs } from './cli.js';
import { runBench, selectScenarios } from './run.js';

/** `pnpm bench [--smoke|--full] [--scale] [--only <pattern>] [--json <path>]`. */
async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (code !== 0)
      process.stderr.write(`${(error as Error).message}\nRun with --help for the flags.\n`);
    return typeof code === 'number' ? code : 2;
  }
  if (options.list) {
    for (const s of selectScenarios({ ...options, scale: true })) {
      process.stdout.write(`${s.id}${s.scaleOnly ? ' (--scale)' : ''}\n`);
      for (const part of s.parts ?? []) process.stdout.write(`  ${part}\n`);
    }
    return 0;
  }
  if (selectScenarios(options).length === 0) {
    process.stderr.write(`nothing matches --only ${options.only?.source}; --list shows what can\n`);
    return 2;
  }
  const outcome = await runBench(options, argv);
  if (outcome.failures.length > 0) {
    process.stderr.write(
      `\n${outcome.failures.length} scenario(s) failed: ${outcome.failures.map((f) => f.scenario).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}

// `pnpm bench --list | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
