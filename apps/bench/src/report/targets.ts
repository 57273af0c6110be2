import { summarize } from '../core/stats.js';
import type { Row, TargetResult } from '../types.js';

/** A target: a ratio of two rows' figures (or one row's figure) against a bound. */
export interface Target {
  readonly id: string;
  readonly text: string;
  readonly op: '>=' | '<=';
  readonly bound: number;
  /** The row whose figure is on top. */
  readonly numerator: RowRef;
  /** The row it is divided by; absent for an absolute target. */
  readonly denominator?: RowRef;
}

/** Figures of a row measured round by round, so two rows of one race pair their rounds. */
type RoundFigure = 'value' | 'opsPerSec' | 'allocatedPerOp';

/** A row's median (`value`), another figure it measured round by round, or its latency p99. */
export interface RowRef {
  readonly id: string;
  readonly figure?: RoundFigure | 'p99';
}

const v = (id: string): RowRef => ({ id });
const p99 = (id: string): RowRef => ({ id, figure: 'p99' });
const opsPerSec = (id: string): RowRef => ({ id, figure: 'opsPerSec' });
const allocated = (id: string): RowRef => ({ id, figure: 'allocatedPerOp' });

/** Peers' durable modes that Hermes SyncEveryWrite must beat at N=256. */
export const DURABLE_PEERS: readonly { readonly id: string; readonly name: string }[] = [
  { id: 'peer.lmdb', name: 'lmdb (default durability)' },
  { id: 'peer.level-sync', name: 'classic-level { sync: true }' },
  { id: 'peer.sqlite-full', name: 'better-sqlite3 WAL synchronous=FULL' },
  { id: 'peer.redis-always', name: 'Redis appendfsync always' },
];

/** Every target (issues 2-7, 12, 27, and the RESP front's), as printed at the end of a run. */
export const TARGETS: readonly Target[] = [
  ...[1, 256].map(
    (n): Target => ({
      id: `wal.every.n${n}`,
      text: `wal SyncEveryWrite N=${n} / baseline fdatasync N=${n}`,
      op: '>=',
      bound: 0.8,
      numerator: v(`wal.every.n${n}.v100`),
      denominator: v(`baseline.fsync.n${n}`),
    }),
  ),
  {
    id: 'wal.every.scaling',
    text: 'wal SyncEveryWrite N=256 / N=1',
    op: '>=',
    bound: 20,
    numerator: v('wal.every.n256.v100'),
    denominator: v('wal.every.n1.v100'),
  },
  ...[1, 256].map(
    (n): Target => ({
      id: `wal.every.p99.n${n}`,
      text: `wal SyncEveryWrite p99 N=${n} / baseline p99 N=${n}`,
      op: '<=',
      bound: 2,
      numerator: p99(`wal.every.n${n}.v100`),
      denominator: p99(`baseline.fsync.n${n}`),
    }),
  ),
  {
    id: 'wal.everysec.n256',
    text: 'wal SyncEverySecond N=256 / baseline no fsync N=256',
    op: '>=',
    bound: 0.6,
    numerator: v('wal.everysec.n256.v100'),
    denominator: v('baseline.nofsync.n256'),
  },
  {
    id: 'wal.replay',
    text: 'wal replay of a log alone, MB/s',
    op: '>=',
    bound: 300,
    numerator: v('wal.replay'),
  },
  ...(['locked', 'sharded'] as const).map(
    (kind): Target => ({
      id: `store.memory.${kind}`,
      text: `${kind === 'locked' ? 'LockedStore' : 'ShardedStore'} bytes/entry / plain Map`,
      op: '<=',
      bound: 1,
      numerator: v(`store.memory.${kind}`),
      denominator: v('store.memory.map'),
    }),
  ),
  {
    id: 'wal-store.sharded.n256',
    text: 'durable Sharded set N=256 / baseline fdatasync N=256',
    op: '>=',
    bound: 0.6,
    numerator: v('wal-store.sharded.n256'),
    denominator: v('baseline.fsync.n256'),
  },
  {
    id: 'wal-store.sharded.vs-wal.n256',
    text: 'durable Sharded set N=256 / wal SyncEveryWrite alone N=256',
    op: '>=',
    bound: 0.8,
    numerator: v('wal-store.sharded.n256'),
    denominator: v('wal.every.n256.v100'),
  },
  {
    id: 'wal-store.sharded.vs-lmdb.n256',
    text: 'durable Sharded set N=256 / lmdb (default durability) N=256',
    op: '>=',
    bound: 1.2,
    numerator: v('wal-store.sharded.n256'),
    denominator: v('peer.lmdb.n256'),
  },
  ...(['every', 'everysec'] as const).flatMap((policy) =>
    [1, 16, 256].flatMap((n): Target[] => {
      const race = `wal-store.layers.${policy}.n${n}`;
      const sync = policy === 'every' ? 'SyncEveryWrite' : 'SyncEverySecond';
      return [
        ...(['durable', 'durable-locked'] as const).map(
          (layer): Target => ({
            id: `${race}.${layer}`,
            text: `durable ${layer === 'durable' ? 'Sharded' : 'Locked'} set / wal append alone, ${sync} N=${n} (ops/s)`,
            op: '>=',
            bound: 0.85,
            numerator: opsPerSec(`${race}.${layer}`),
            denominator: opsPerSec(`${race}.wal`),
          }),
        ),
        {
          id: `${race}.allocated`,
          text: `bytes allocated per durable Sharded set / per wal append, ${sync} N=${n}`,
          op: '<=',
          bound: 2,
          numerator: allocated(`${race}.durable`),
          denominator: allocated(`${race}.wal`),
        },
      ];
    }),
  ),
  {
    id: 'wal-store.sharded-scattered.vs-lmdb.n256',
    text: 'durable Sharded set N=256 / lmdb N=256, both with scattered keys',
    op: '>=',
    bound: 1.2,
    numerator: v('wal-store.sharded-scattered.n256'),
    denominator: v('peer.lmdb-scattered.n256'),
  },
  {
    id: 'wal-store.open',
    text: 'open of 1M live keys: bare stream+split+base64+Map time / Hermes open time',
    op: '>=',
    bound: 0.8,
    numerator: v('wal-store.open.bare'),
    denominator: v('wal-store.open.hermes'),
  },
  {
    id: 'wal-store.compaction',
    text: 'open time of a 10x-churn log before / after compaction',
    op: '>=',
    bound: 5,
    numerator: v('wal-store.open.churned'),
    denominator: v('wal-store.open.compacted'),
  },
  {
    id: 'demo.everysec',
    text: 'demo PUT --sync everysec / bare Fastify 204 (req/s)',
    op: '>=',
    bound: 0.7,
    numerator: v('demo.everysec'),
    denominator: v('demo.bare'),
  },
  ...(['lmdb', 'level'] as const).flatMap((peer): Target[] => {
    const name = peer === 'lmdb' ? 'lmdb' : 'classic-level';
    return [
      {
        id: `reads.get.${peer}`,
        text: `Hermes get / ${name} get, random keys of 1M`,
        op: '>=',
        bound: 1,
        numerator: v('reads.hermes.get'),
        denominator: v(`reads.${peer}.get`),
      },
      {
        id: `reads.range100.${peer}`,
        text: `Hermes / ${name}: range reads of 100 entries from a random key`,
        op: '>=',
        bound: 1,
        numerator: v('reads.hermes.range100'),
        denominator: v(`reads.${peer}.range100`),
      },
      {
        id: `reads.scan.${peer}`,
        text: `Hermes / ${name}: full ordered scan, entries/s (within 1.5x of the faster peer)`,
        op: '>=',
        bound: 0.67,
        numerator: v('reads.hermes.scan'),
        denominator: v(`reads.${peer}.scan`),
      },
    ];
  }),
  {
    id: 'list.page10',
    text: 'GET /kv page of 10 at 1M keys / at 10k keys (req/s): a page costs the same at any size',
    op: '>=',
    bound: 0.8,
    numerator: v('list.page10.n1000000'),
    denominator: v('list.page10.n10000'),
  },
  {
    id: 'resp.always.c50.set',
    text: 'Hermes RESP --sync always SET c=50 / Redis appendfsync always SET c=50 (redis-benchmark)',
    op: '>=',
    bound: 1,
    numerator: v('resp.hermes-always.c50.set'),
    denominator: v('resp.redis-always.c50.set'),
  },
  {
    id: 'resp.everysec.c50.get',
    text: 'Hermes RESP --sync everysec GET c=50 / Redis appendfsync everysec GET c=50 (redis-benchmark)',
    op: '>=',
    bound: 0.7,
    numerator: v('resp.hermes-everysec.c50.get'),
    denominator: v('resp.redis-everysec.c50.get'),
  },
  {
    id: 'replicated.publish.n256',
    text: 'Hermes replicated set N=256 / bare JetStream publish N=256 (R3, same bytes)',
    op: '>=',
    bound: 0.7,
    numerator: v('replicated.hermes.n256'),
    denominator: v('replicated.publish.n256'),
  },
  {
    id: 'replicated.kv-put.n256',
    text: 'Hermes replicated set N=256 / NATS KV put N=256 (R3)',
    op: '>=',
    bound: 1,
    numerator: v('replicated.hermes.n256'),
    denominator: v('replicated.kv-put.n256'),
  },
  {
    id: 'replicated.get',
    text: 'Hermes replica get / NATS KV get (N=1)',
    op: '>=',
    bound: 50,
    numerator: v('replicated.get'),
    denominator: v('replicated.kv-get'),
  },
  ...DURABLE_PEERS.map(
    (peer): Target => ({
      id: `peers.${peer.id.slice(5)}`,
      text: `wal SyncEveryWrite N=256 / ${peer.name} N=256`,
      op: '>=',
      bound: 1,
      numerator: v('wal.every.n256.v100'),
      denominator: v(`${peer.id}.n256`),
    }),
  ),
];

/**
 * `top ÷ bottom` for two rows' medians of `figure`. When both rows come from the same race with
 * the same number of rounds, the median of the round-by-round ratios instead: each pair of rounds
 * ran back to back, so a burst of noise on a shared machine cancels out of the ratio.
 */
export function rowRatio(top: Row, bottom: Row, figure: RoundFigure = 'value'): number | undefined {
  const a = top[figure];
  const b = bottom[figure];
  if (!a || !b || top.skipped || bottom.skipped) return undefined;
  if (
    top.race &&
    top.race === bottom.race &&
    a.rounds.length === b.rounds.length &&
    a.rounds.length > 0
  )
    return summarize(a.rounds.map((x, i) => x / b.rounds[i]!)).median;
  return a.median / b.median;
}

function figure(rows: ReadonlyMap<string, Row>, ref: RowRef): number | string {
  const row = rows.get(ref.id);
  if (!row) return `${ref.id} not run`;
  if (row.skipped) return `${ref.id} skipped: ${row.skipped}`;
  const value = ref.figure === 'p99' ? row.latency?.p99 : row[ref.figure ?? 'value']?.median;
  return value === undefined ? `${ref.id} has no ${ref.figure ?? 'value'}` : value;
}

/**
 * Checks every target against the rows of a run. With `grade: false` (a smoke run, whose tiny
 * sizes say nothing about speed) each target keeps its measured figure but is not graded.
 */
export function evaluateTargets(
  rows: readonly Row[],
  targets: readonly Target[] = TARGETS,
  { grade = true }: { grade?: boolean } = {},
): TargetResult[] {
  const byId = new Map(rows.map((r) => [r.id, r] as const));
  return targets.map((t) => {
    const top = figure(byId, t.numerator);
    const bottom = t.denominator ? figure(byId, t.denominator) : 1;
    const base = { id: t.id, text: t.text, op: t.op, bound: t.bound };
    if (typeof top === 'string') return { ...base, measured: null, holds: null, missing: top };
    if (typeof bottom === 'string')
      return { ...base, measured: null, holds: null, missing: bottom };
    const figureOf = t.numerator.figure ?? 'value';
    const paired =
      t.denominator && figureOf !== 'p99' && figureOf === (t.denominator.figure ?? 'value')
        ? rowRatio(byId.get(t.numerator.id)!, byId.get(t.denominator.id)!, figureOf)
        : undefined;
    const measured = paired ?? top / bottom;
    if (!grade) {
      return {
        ...base,
        measured,
        holds: null,
        missing:
          'not graded: a smoke run proves the scenario runs, its tiny sizes say nothing about speed',
      };
    }
    const holds = t.op === '>=' ? measured >= t.bound : measured <= t.bound;
    return { ...base, measured, holds };
  });
}
