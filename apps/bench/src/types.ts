import type { ChildProcess, SpawnOptions } from 'node:child_process';
import type { Profile } from './profile.js';

/** Median, min and max of a row's rounds, and the rounds themselves. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** The value of every measured round, in order. */
  readonly rounds: readonly number[];
}

/** Latency percentiles of one row, in milliseconds, over every measured operation. */
export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  /** How many operations the percentiles are taken over. */
  readonly samples: number;
}

/** The layer a row belongs to. */
export type Group =
  | 'baseline'
  | 'record'
  | 'wal'
  | 'store'
  | 'wal-store'
  | 'demo'
  | 'resp'
  | 'replicated'
  | 'peer';

/** One measured row of the results. */
export interface Row {
  /** Stable id that targets and the chart refer to, e.g. `wal.every.n256.v100`. */
  readonly id: string;
  readonly group: Group;
  /** What a person reads in the table. */
  readonly label: string;
  /** `ops/s`, `MB/s`, `ms`, `B/entry`, `req/s`, ... */
  readonly unit: string;
  /** Whether a bigger number is better (throughput) or worse (latency, memory, time). */
  readonly higherIsBetter: boolean;
  /** The figure: median, min and max over rounds. Absent when the row was skipped. */
  readonly value?: Summary;
  readonly latency?: Latency;
  /** Operations per second, for a row whose `value` is a cost per operation (CPU µs/op). */
  readonly opsPerSec?: Summary;
  /** Bytes V8 allocated per operation, where the row's rounds measured it. */
  readonly allocatedPerOp?: Summary;
  /** Concurrency (producers, callers or connections), for the chart. */
  readonly concurrency?: number;
  /**
   * The race the row was measured in: rows of one race ran their rounds interleaved, so round
   * `r` of each saw the same moment of the machine and their ratio is taken round by round.
   */
  readonly race?: string;
  /** Chart series the row belongs to (throughput against concurrency). */
  readonly series?: string;
  /** Extra facts (bytes, variant chosen, ...). */
  readonly note?: string;
  /** Why the row was not measured, when it was not. */
  readonly skipped?: string;
}

/** What a scenario gets to run with. */
export interface Context {
  readonly profile: Profile;
  /** A fresh, empty folder inside the run's temporary folder (same filesystem as the cwd). */
  dir(name: string): Promise<string>;
  /** Removes a folder made by `dir` once the scenario is done with it. */
  remove(path: string): Promise<void>;
  /** Spawns a child process that is killed if the run is interrupted. */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /**
   * A fixture shared by the scenarios of one run (e.g. a 1M-record log that both the wal replay
   * and the durable open read): made on first use, then handed out again.
   */
  shared<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** Reports progress inside a long scenario (shown beside the bar). */
  status(text: string): void;
}

/** One unit of the run: measures one or more rows. */
export interface Scenario {
  /** Matched by `--only`. Rows' ids start with it. */
  readonly id: string;
  readonly group: Group;
  /** Only run under `--scale`. */
  readonly scaleOnly?: boolean;
  /**
   * For a scenario made of parts (a race of contenders): the same scenario cut down to the
   * parts whose id matches `only`, or `undefined` if none does. Without it, `--only` is matched
   * against `id`.
   */
  narrow?(only: RegExp): Scenario | undefined;
  /** Ids of its parts that `--only` can match (a race's contenders), for `--list`. */
  readonly parts?: readonly string[];
  run(ctx: Context): Promise<Row[]>;
}

/** Facts about the machine the run happened on. */
export interface MachineFacts {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly kernel: string;
  /** Filesystem type of the data folder (e.g. `ext4`). */
  readonly filesystem: string;
  /** Raw `fdatasync` latency of a 4 KiB append on the data folder, in milliseconds. */
  readonly fdatasyncMs: { readonly p50: number; readonly p99: number; readonly samples: number };
}

/** A target checked at the end of a run: a ratio of two rows (or one row) against a bound. */
export interface TargetResult {
  readonly id: string;
  /** What the target says, for a person. */
  readonly text: string;
  /** `>=` or `<=`. */
  readonly op: '>=' | '<=';
  readonly bound: number;
  /**
   * The measured ratio (or value), or `null` when a row it needs is missing. Rows of the same
   * race give the median of their round-by-round ratios; others the ratio of their medians.
   */
  readonly measured: number | null;
  /** `true` holds, `false` does not, `null` not measured. */
  readonly holds: boolean | null;
  /** Why it was not measured. */
  readonly missing?: string;
}

/** Everything a run produces, as written to the JSON results file. */
export interface Results {
  readonly version: 1;
  readonly startedAt: string;
  readonly durationS: number;
  readonly profile: string;
  readonly command: string;
  /** The git commit measured (`abc1234`, with `+dirty` when the work tree had changes), if known. */
  readonly commit?: string;
  readonly machine: MachineFacts;
  readonly rows: readonly Row[];
  /** Seconds each scenario took. */
  readonly timings?: Readonly<Record<string, number>>;
  readonly targets: readonly TargetResult[];
}
