import type { Context, Group, Latency, Row, Scenario } from '../types.js';
import { driveFor, type Operation } from './drive.js';
import { startHeapMeter } from './heap-meter.js';
import { LatencyRecorder } from './latency.js';
import { summarize } from './stats.js';

/** One contender opened for a race: its operation, and how to end it. */
export interface Session {
  /** One write; resolves when it is as durable as the contender promises. */
  readonly op: Operation;
  /** Runs after each of this contender's rounds, outside the timing (e.g. pay a pending fsync). */
  settle?(): Promise<void>;
  /** Closes it; may return a note for its row (batches, fsyncs, ...). */
  close(): Promise<string | undefined>;
}

/** Something that writes: the baseline, a Hermes layer or a peer. */
export interface Contender {
  /** Row id before `.n<N>`, e.g. `wal.every`, `peer.lmdb`; `--only` is matched against it. */
  readonly id: string;
  /** Row id after `.n<N>`, e.g. `.v100`. @default '' */
  readonly suffix?: string;
  readonly group: Group;
  /** Row label before `, N=<N>`. */
  readonly label: string;
  /** Chart series. */
  readonly series?: string;
  /** Fixed note for its rows. */
  readonly note?: string;
  /** Opens a fresh instance in a fresh folder for `n` concurrent callers. */
  open(ctx: Context, n: number): Promise<Session>;
  /** Why this contender cannot run on this machine (its rows are then skipped), or `undefined`. */
  unavailable?(): string | undefined;
}

/**
 * Measures `contenders` at concurrency `n` **interleaved**: all are opened, each warms up, then
 * round `r` runs every contender once (the order rotating each round). A burst of noise from a
 * shared machine then lands on every contender alike instead of on whichever ran at that moment,
 * so their ratios hold still even when absolute figures move.
 */
export async function race(
  ctx: Context,
  contenders: readonly Contender[],
  n: number,
  raceId = `race.n${n}`,
): Promise<Row[]> {
  const skipped: Row[] = [];
  const runnable = contenders.filter((c) => {
    const why = c.unavailable?.();
    if (why === undefined) return true;
    skipped.push({
      id: `${c.id}.n${n}${c.suffix ?? ''}`,
      group: c.group,
      label: `${c.label}, N=${n}`,
      unit: 'ops/s',
      higherIsBetter: true,
      concurrency: n,
      race: raceId,
      skipped: why,
    });
    return false;
  });
  return [...(await raceRunnable(ctx, runnable, n, raceId)), ...skipped];
}

async function raceRunnable(
  ctx: Context,
  contenders: readonly Contender[],
  n: number,
  raceId: string,
): Promise<Row[]> {
  const { rounds, latencies, notes } = await interleave(ctx, contenders, n);
  return contenders.map((c, i): Row => {
    const latency = latencies[i];
    const note = [c.note, notes[i]].filter(Boolean).join('; ');
    return {
      id: `${c.id}.n${n}${c.suffix ?? ''}`,
      group: c.group,
      label: `${c.label}, N=${n}`,
      unit: 'ops/s',
      higherIsBetter: true,
      value: summarize(rounds[i]!.map((r) => (r.ops * 1000) / r.elapsedMs)),
      ...(latency ? { latency } : {}),
      concurrency: n,
      race: raceId,
      ...(c.series ? { series: c.series } : {}),
      ...(note ? { note } : {}),
    };
  });
}

/** What one contender did in one measured round. */
export interface RoundFigures {
  /** Operations completed. */
  readonly ops: number;
  /** Wall time of the round, in milliseconds. */
  readonly elapsedMs: number;
  /** CPU time the process used during the round (user + system), in microseconds. */
  readonly cpuUs: number;
  /** Milliseconds V8 spent collecting garbage during the round; 0 unless `heap` was asked for. */
  readonly gcMs: number;
  /** Bytes allocated on V8's heap during the round; 0 unless `heap` was asked for. */
  readonly allocatedBytes: number;
}

/** What {@link interleave} measured, one entry per contender in the order given. */
export interface Interleaved {
  /** Each contender's measured rounds. */
  readonly rounds: readonly (readonly RoundFigures[])[];
  /** Latency percentiles over each contender's measured operations. */
  readonly latencies: readonly (Latency | undefined)[];
  /** What each contender's `close` returned. */
  readonly notes: readonly (string | undefined)[];
}

/**
 * Opens `contenders` for `n` callers, warms each up, then runs `profile.rounds` rounds in which
 * every contender runs once for `profile.roundMs`, the order rotating each round; closes them
 * all (also when one throws). With `heap`, each round's garbage-collection time and bytes
 * allocated are measured too (a `v8.GCProfiler`, so only when asked: the write races do without).
 */
export async function interleave(
  ctx: Context,
  contenders: readonly Contender[],
  n: number,
  options: { readonly heap?: boolean } = {},
): Promise<Interleaved> {
  const { warmupMs, roundMs, rounds } = ctx.profile;
  const sessions: Session[] = [];
  const notes: (string | undefined)[] = [];
  try {
    for (const c of contenders) {
      ctx.status(`N=${n} opening ${c.id}`);
      sessions.push(await c.open(ctx, n));
    }
    const seqs = sessions.map(() => ({ next: 0 }));
    const latencies = sessions.map(() => new LatencyRecorder());
    const figures: RoundFigures[][] = sessions.map(() => []);
    for (let i = 0; i < sessions.length; i++) {
      ctx.status(`N=${n} warming up ${contenders[i]!.id}`);
      await driveFor(n, warmupMs, sessions[i]!.op, seqs[i]!);
      await sessions[i]!.settle?.();
    }
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < sessions.length; k++) {
        const i = (k + r) % sessions.length;
        ctx.status(`N=${n} round ${r + 1}/${rounds} ${contenders[i]!.id}`);
        const readHeap = options.heap ? startHeapMeter() : undefined;
        const cpu = process.cpuUsage();
        const res = await driveFor(n, roundMs, sessions[i]!.op, seqs[i]!, latencies[i]);
        const used = process.cpuUsage(cpu);
        const heap = readHeap?.();
        figures[i]!.push({
          ...res,
          cpuUs: used.user + used.system,
          gcMs: heap?.gcMs ?? 0,
          allocatedBytes: heap?.allocatedBytes ?? 0,
        });
        await sessions[i]!.settle?.();
      }
    }
    for (const s of sessions) notes.push(await s.close());
    return { rounds: figures, latencies: latencies.map((l) => l.percentiles()), notes };
  } catch (error) {
    await Promise.allSettled(sessions.slice(notes.length).map((s) => s.close()));
    throw error;
  }
}

/**
 * A scenario that races `contenders` at concurrency `n`; `--only` narrows it to the contenders
 * whose id matches (and `derive` adds rows computed from the raced ones, e.g. the best baseline).
 */
export function raceScenario(
  id: string,
  n: number,
  contenders: readonly Contender[],
  derive: (rows: Row[], n: number) => Row[] = () => [],
): Scenario {
  return {
    id,
    group: 'baseline',
    parts: contenders.map((c) => `${c.id}${c.suffix ?? ''}`),
    narrow(only) {
      const kept = contenders.filter((c) =>
        [c.id, `${c.id}${c.suffix ?? ''}`, `${c.id}.n${n}${c.suffix ?? ''}`].some((name) =>
          only.test(name),
        ),
      );
      return kept.length === 0 ? undefined : raceScenario(id, n, kept, derive);
    },
    async run(ctx) {
      const rows = await race(ctx, contenders, n, id);
      return [...rows, ...derive(rows, n)];
    },
  };
}
