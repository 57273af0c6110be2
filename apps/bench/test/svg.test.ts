import { expect, it } from 'vitest';
import { renderSvg } from '../src/report/svg.js';
import type { Results, Row } from '../src/types.js';

/** A chart row of `series` at concurrency `n` with `ops` writes/s. */
function row(series: string, n: number, ops: number): Row {
  return {
    id: `${series}.${n}`,
    group: 'wal',
    label: series,
    unit: 'ops/s',
    higherIsBetter: true,
    value: { median: ops, min: ops, max: ops, rounds: [ops] },
    concurrency: n,
    series,
  };
}

const results = (rows: Row[]): Pick<Results, 'rows' | 'startedAt' | 'machine'> =>
  ({
    rows,
    startedAt: '2026-12-07T00:00:00Z',
    machine: { cpu: 'cpu', cores: 2, filesystem: 'ext4', node: 'v20' },
  }) as unknown as Pick<Results, 'rows' | 'startedAt' | 'machine'>;

it('draws the durable Locked line as a band under Sharded, so equal lines both show (issue 16 item 16)', () => {
  const rows = [1, 16, 256].flatMap((n) => [
    row('Hermes durable Sharded set', n, 1000 * n),
    row('Hermes durable Locked set', n, 1000 * n),
  ]);
  const svg = renderSvg(results(rows));
  const paths = svg.split('\n').filter((l) => l.startsWith('<path'));
  expect(paths).toHaveLength(2);
  // The band is drawn first and wide, the line on top of it thin.
  expect(paths[0]).toContain('stroke-width="9"');
  expect(paths[0]).toContain('stroke-opacity');
  expect(paths[1]).toContain('stroke-width="3"');
  expect(svg).toContain('pale band: durable Locked');
});

it('dashes every line that is not durable and says so, and says what the baseline is', () => {
  const svg = renderSvg(
    results([
      row('Hermes wal SyncEverySecond (not durable)', 1, 10),
      row('Hermes wal SyncEverySecond (not durable)', 16, 100),
      row('baseline (fdatasync)', 1, 10),
      row('baseline (fdatasync)', 16, 100),
    ]),
  );
  const paths = svg.split('\n').filter((l) => l.startsWith('<path'));
  // The baseline (fdatasync, durable) is solid; SyncEverySecond (not durable) is dashed.
  expect(paths.filter((l) => l.includes('stroke-dasharray'))).toHaveLength(1);
  expect(paths.find((l) => l.includes('#000000'))).not.toContain('stroke-dasharray');
  expect(svg).toContain('SyncEverySecond (not durable)');
  expect(svg).toContain('a reference, not a bound');
});
