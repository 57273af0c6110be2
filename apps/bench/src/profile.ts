/** Sizes and durations of a run. */
export interface Profile {
  readonly name: 'smoke' | 'quick' | 'full';
  /** Untimed warm-up before the measured rounds, per row. */
  readonly warmupMs: number;
  /** Length of one measured round of a throughput row. */
  readonly roundMs: number;
  /** Measured rounds per row (the median is reported). */
  readonly rounds: number;
  /** Concurrency levels of the write rows. */
  readonly concurrency: readonly number[];
  /** Samples of the raw fdatasync latency. */
  readonly fsyncSamples: number;
  /** Entries in the memory-per-entry rows. */
  readonly memoryEntries: number;
  /** Live keys of the log opened by the replay rows. */
  readonly replayKeys: number;
  /** Live keys of the compaction rows (each written `churn` times). */
  readonly compactKeys: number;
  readonly churn: number;
  /** Seconds of each autocannon run of the demo rows. */
  readonly httpSeconds: number;
  /** Requests of each redis-benchmark run (the most, where runs are sized to a time). */
  readonly redisRequests: number;
  /**
   * Time each redis-benchmark run of the RESP rows is sized to (its request count is set from a
   * warm-up's rate, at most `redisRequests`).
   */
  readonly respRoundMs: number;
  /** Keys of the `--scale` rows. */
  readonly scaleKeys: number;
  readonly scaleGrowKeys: number;
}

const CONCURRENCY = [1, 16, 256] as const;

/** `--smoke`: every scenario for a moment with tiny sizes (CI runs it; its figures mean nothing). */
export const SMOKE: Profile = {
  name: 'smoke',
  warmupMs: 10,
  roundMs: 40,
  rounds: 2,
  concurrency: CONCURRENCY,
  fsyncSamples: 20,
  memoryEntries: 5_000,
  replayKeys: 2_000,
  compactKeys: 500,
  churn: 10,
  httpSeconds: 0.5,
  redisRequests: 2_000,
  respRoundMs: 20,
  scaleKeys: 50_000,
  scaleGrowKeys: 50_000,
};

/** The default profile: every row, about 5 minutes on 2 cores. */
export const QUICK: Profile = {
  name: 'quick',
  warmupMs: 200,
  roundMs: 500,
  rounds: 3,
  concurrency: CONCURRENCY,
  fsyncSamples: 400,
  memoryEntries: 1_000_000,
  replayKeys: 1_000_000,
  compactKeys: 100_000,
  churn: 10,
  httpSeconds: 1.5,
  redisRequests: 100_000,
  respRoundMs: 250,
  scaleKeys: 20_000_000,
  scaleGrowKeys: 10_000_000,
};

/** `--full`: longer rounds and more of them, for figures to publish. */
export const FULL: Profile = {
  ...QUICK,
  name: 'full',
  warmupMs: 1_000,
  roundMs: 3_000,
  rounds: 5,
  fsyncSamples: 2_000,
  compactKeys: 1_000_000,
  httpSeconds: 10,
  redisRequests: 500_000,
  respRoundMs: 2_000,
};
