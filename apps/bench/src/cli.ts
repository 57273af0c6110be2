import { Command, Option } from 'commander';
import { FULL, type Profile, QUICK, SMOKE } from './profile.js';

/** What the command line asked for. */
export interface BenchOptions {
  readonly profile: Profile;
  /** Also run the large-memory `--scale` scenarios. */
  readonly scale: boolean;
  /** Only scenarios whose id matches (case-insensitive regular expression). */
  readonly only: RegExp | undefined;
  /** Where to write the JSON results (the SVG goes beside it); default `results/<timestamp>.json`. */
  readonly json: string | undefined;
  /** List the scenarios and exit. */
  readonly list: boolean;
}

/**
 * Parses `pnpm bench` flags. Leading `--` tokens are dropped, so `pnpm bench -- --only wal`
 * works as npm habits have it. Throws commander's error (with `exitCode`; its message says what
 * is wrong) on an unknown flag; `--help` prints the usage and throws with `exitCode` 0.
 */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const args = [...argv];
  while (args[0] === '--') args.shift();
  const program = new Command('bench')
    .description('Hermes beside the disk limit and its peers; prints ratios and targets.')
    .addOption(
      new Option('--smoke', 'every scenario for a moment with tiny sizes').conflicts('full'),
    )
    .option('--full', 'the long profile: longer and more rounds')
    .option('--scale', 'also run the large-memory scenarios (20M keys, 10M-key growth)')
    .option('--only <pattern>', 'only scenarios whose id matches this regular expression')
    .option('--json <path>', 'write the JSON results here (the SVG beside it)')
    .option('--list', 'list the scenarios and exit')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {} });
  program.parse(args, { from: 'user' });
  const o = program.opts<{
    smoke?: boolean;
    full?: boolean;
    scale?: boolean;
    only?: string;
    json?: string;
    list?: boolean;
  }>();
  return {
    profile: o.smoke ? SMOKE : o.full ? FULL : QUICK,
    scale: o.scale === true,
    only: o.only === undefined ? undefined : new RegExp(o.only, 'i'),
    json: o.json,
    list: o.list === true,
  };
}
