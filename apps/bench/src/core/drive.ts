import { performance } from 'node:perf_hooks';
import type { Profile } from '../profile.js';
import type { Latency, Summary } from '../types.js';
import { LatencyRecorder } from './latency.js';
import { summarize } from './stats.js';

/** One operation of worker `worker`, its `seq`-th; resolves when the operation is done. */
export type Operation = (worker: number, seq: number) => Promise<unknown>;

/** What {@link measureConcurrent} found. */
export interface ConcurrentResult {
  /** Operations per second, per measured round. */
  readonly opsPerSec: Summary;
  readonly latency: Latency | undefined;
  /** Operations done in the measured rounds. */
  readonly ops: number;
}

/**
 * Runs `n` closed-loop workers, each awaiting `op` then starting the next, for `ms` milliseconds;
 * returns how many operations completed. Latencies go to `latencies` when given.
 */
export async function driveFor(
  n: number,
  ms: number,
  op: Operation,
  seqStart: { next: number },
  latencies?: LatencyRecorder,
): Promise<{ ops: number; elapsedMs: number }> {
  let ops = 0;
  const start = performance.now();
  const end = start + ms;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < end) {
      const seq = seqStart.next++;
      const t0 = performance.now();
      await op(w, seq);
      if (latencies) latencies.add(performance.now() - t0);
      ops++;
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < n; w++) workers.push(worker(w));
  await Promise.all(workers);
  return { ops, elapsedMs: performance.now() - start };
}

/**
 * Measures `op` with `n` concurrent closed-loop callers: one warm-up (not counted), then
 * `profile.rounds` rounds of `profile.roundMs`; reports ops/s per round and latency percentiles
 * over every measured operation. `seq` keeps growing across rounds, so keys stay unique.
 */
export async function measureConcurrent(
  profile: Profile,
  n: number,
  op: Operation,
  seq: { next: number } = { next: 0 },
): Promise<ConcurrentResult> {
  await driveFor(n, profile.warmupMs, op, seq);
  const latencies = new LatencyRecorder();
  const rates: number[] = [];
  let ops = 0;
  for (let r = 0; r < profile.rounds; r++) {
    const round = await driveFor(n, profile.roundMs, op, seq, latencies);
    rates.push((round.ops * 1000) / round.elapsedMs);
    ops += round.ops;
  }
  return { opsPerSec: summarize(rates), latency: latencies.percentiles(), ops };
}

/**
 * Measures a one-shot job (an open, a replay) `profile.rounds` times after one warm-up run
 * (skipped when `warmup` is false); `job` returns the figure of its round.
 */
export async function measureRepeated(
  rounds: number,
  job: (round: number) => Promise<number>,
  warmup = true,
): Promise<Summary> {
  if (warmup) await job(-1);
  const values: number[] = [];
  for (let r = 0; r < rounds; r++) values.push(await job(r));
  return summarize(values);
}

/** Measures a synchronous loop: `step(i)` as many times as fit in `ms`; returns calls per second. */
export function rateOf(ms: number, step: (i: number) => void): number {
  let calls = 0;
  const start = performance.now();
  let now = start;
  const end = start + ms;
  while (now < end) {
    for (let k = 0; k < 64; k++) step(calls++);
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}
