import type { Results, Row } from '../types.js';
import { mark, num, ratio } from './format.js';
import { DURABLE_PEERS, rowRatio } from './targets.js';

/** Header and body of the table of every row (with each row's note as a last column if asked). */
export function rowsTable(
  rows: readonly Row[],
  withNotes = false,
): { header: string[]; body: string[][] } {
  const header = ['row', 'median', 'min', 'max', 'unit', 'p50 ms', 'p99 ms', 'p99.9 ms'];
  if (withNotes) header.push('note');
  const body = rows.map((r) =>
    r.skipped || !r.value
      ? [r.label, 'skipped', '', '', '', '', '', r.skipped ?? '']
      : [
          r.label,
          num(r.value.median),
          num(r.value.min),
          num(r.value.max),
          r.unit,
          num(r.latency?.p50),
          num(r.latency?.p99),
          num(r.latency?.p999),
        ],
  );
  if (withNotes)
    for (const [i, cells] of body.entries())
      cells.push(rows[i]!.skipped ? '' : (rows[i]!.note ?? ''));
  return { header, body };
}

/** Hermes write paths compared in the ratio table, by row id prefix. */
const HERMES: readonly {
  readonly prefix: string;
  readonly suffix: string;
  readonly name: string;
}[] = [
  { prefix: 'wal.every', suffix: '.v100', name: 'wal SyncEveryWrite' },
  { prefix: 'wal-store.sharded', suffix: '', name: 'durable Sharded set' },
  { prefix: 'wal-store.locked', suffix: '', name: 'durable Locked set' },
  { prefix: 'wal-store.sharded-overwrite', suffix: '', name: 'durable Sharded overwrite' },
  {
    prefix: 'wal-store.sharded-scattered',
    suffix: '',
    name: 'durable Sharded set, scattered keys',
  },
  { prefix: 'wal.everysec', suffix: '.v100', name: 'wal SyncEverySecond' },
];

/** What each Hermes write path is divided by. */
const DIVISORS: readonly { readonly prefix: string; readonly name: string }[] = [
  { prefix: 'baseline.fsync', name: 'baseline' },
  ...DURABLE_PEERS.map((p) => ({ prefix: p.id, name: p.id.slice(5) })),
  { prefix: 'peer.lmdb-scattered', name: 'lmdb-scattered' },
  { prefix: 'peer.level-nosync', name: 'level-nosync' },
  { prefix: 'peer.nedb', name: 'nedb' },
  { prefix: 'peer.redis-everysec', name: 'redis-everysec' },
];

/**
 * Header and body of the ratio table: each Hermes write path at each concurrency, divided by the
 * baseline and by each peer at the same concurrency (values above 1 mean Hermes is faster);
 * within a race, the median of round-by-round ratios (see `rowRatio`).
 */
export function ratioTable(
  rows: readonly Row[],
  concurrency: readonly number[],
): { header: string[]; body: string[][] } {
  const byId = new Map(rows.map((r) => [r.id, r] as const));
  const header = ['Hermes / ...', ...DIVISORS.map((d) => d.name)];
  const body: string[][] = [];
  for (const h of HERMES) {
    for (const n of concurrency) {
      const top = byId.get(`${h.prefix}.n${n}${h.suffix}`);
      if (!top?.value || top.skipped) continue;
      const cells = DIVISORS.map((d) => {
        const bottom = byId.get(`${d.prefix}.n${n}`);
        return bottom ? ratio(rowRatio(top, bottom)) : '-';
      });
      if (cells.some((c) => c !== '-')) body.push([`${h.name} N=${n}`, ...cells]);
    }
  }
  return { header, body };
}

/** Header and body of the targets table: each target beside its measured ratio and a mark. */
export function targetsTable(results: Pick<Results, 'targets'>): {
  header: string[];
  body: string[][];
} {
  const header = ['target', 'measured', 'wanted', ''];
  const body = results.targets.map((t) => [
    t.text,
    t.measured === null ? (t.missing ?? 'not measured') : num(t.measured),
    `${t.op} ${t.bound}`,
    t.holds === null && t.measured !== null ? 'not graded (smoke)' : mark(t.holds),
  ]);
  return { header, body };
}

/**
 * Header and body of the RESP table: for each sync policy, connections and pipelining of the
 * `resp.*` rows, Hermes's requests/s divided by Redis's under the same redis-benchmark command,
 * SET and GET (above 1: Hermes is faster; round by round, see `rowRatio`). Empty when no cell has
 * both sides measured.
 */
export function respTable(rows: readonly Row[]): { header: string[]; body: string[][] } {
  const byId = new Map(rows.map((r) => [r.id, r] as const));
  const header = ['Hermes RESP / Redis', 'SET', 'GET'];
  const cells = new Map<string, string>();
  for (const r of rows) {
    const m = /^resp\.hermes-(\w+)\.c(\d+)(?:\.p(\d+))?\.(?:set|get)$/.exec(r.id);
    if (m)
      cells.set(
        `${m[1]}.c${m[2]}${m[3] ? `.p${m[3]}` : ''}`,
        `--sync ${m[1]}, c=${m[2]}${m[3] ? ` P=${m[3]}` : ''}`,
      );
  }
  const body: string[][] = [];
  for (const [key, label] of cells) {
    const [sync, ...rest] = key.split('.');
    const ratios = ['set', 'get'].map((test) => {
      const cell = [...rest, test].join('.');
      const top = byId.get(`resp.hermes-${sync}.${cell}`);
      const bottom = byId.get(`resp.redis-${sync}.${cell}`);
      return top && bottom ? ratio(rowRatio(top, bottom)) : '-';
    });
    if (ratios.some((c) => c !== '-')) body.push([label, ...ratios]);
  }
  return { header, body };
}

/**
 * Where a durable write's time goes: one line per layer of each `wal-store.layers` race (policy,
 * callers), with its ops/s, CPU µs and bytes allocated per op, and the durable Sharded set's ops/s
 * over the layer's, round by round. Empty when the scenario did not run.
 */
export function layersTable(rows: readonly Row[]): { header: string[]; body: string[][] } {
  const header = ['policy', 'callers', 'layer', 'ops/s', 'CPU µs/op', 'B allocated/op'];
  header.push('durable Sharded ÷ this (ops/s)');
  const races = new Map<string, Row[]>();
  for (const r of rows) {
    if (!r.id.startsWith('wal-store.layers.') || r.skipped || !r.race) continue;
    races.set(r.race, [...(races.get(r.race) ?? []), r]);
  }
  const body: string[][] = [];
  for (const [race, layers] of races) {
    const [, , policy] = race.split('.');
    const durable = layers.find((r) => r.id === `${race}.durable`);
    for (const r of layers) {
      body.push([
        policy === 'every' ? 'SyncEveryWrite' : 'SyncEverySecond',
        String(r.concurrency ?? ''),
        r.id.slice(race.length + 1),
        num(r.opsPerSec?.median),
        num(r.value?.median),
        num(r.allocatedPerOp?.median),
        durable ? ratio(rowRatio(durable, r, 'opsPerSec')) : '-',
      ]);
    }
  }
  return { header, body };
}
