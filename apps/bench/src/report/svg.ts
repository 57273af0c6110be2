import type { Results } from '../types.js';
import { num } from './format.js';

/** Hermes in warm colours, peers in cool ones, the baseline in black. */
const HERMES_COLORS = ['#d62728', '#ff7f0e', '#8c2d04', '#c51b8a', '#a6761d', '#fdae61', '#e7298a'];
const PEER_COLORS = [
  '#1f77b4',
  '#2ca02c',
  '#9467bd',
  '#17becf',
  '#8c564b',
  '#7f7f7f',
  '#bcbd22',
  '#393b79',
  '#6b6ecf',
];

/**
 * Series drawn as a wide pale band under the others: the durable Locked store, whose line lies on
 * the Sharded one wherever both go as fast, so that neither hides the other.
 */
const BAND = /durable Locked/;

/** Legend order: baselines, then Hermes, then peers. */
function rank(name: string): number {
  return /^baseline/i.test(name) ? 0 : /hermes/i.test(name) ? 1 : 2;
}

const esc = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Points of each chart series: (concurrency, median ops/s). */
export function chartSeries(results: Pick<Results, 'rows'>): Map<string, [number, number][]> {
  const series = new Map<string, [number, number][]>();
  for (const r of results.rows) {
    if (!r.series || r.concurrency === undefined || !r.value || r.skipped) continue;
    const points = series.get(r.series) ?? [];
    points.push([r.concurrency, r.value.median]);
    series.set(r.series, points);
  }
  for (const points of series.values()) points.sort((a, b) => a[0] - b[0]);
  return new Map([...series].sort((a, b) => rank(a[0]) - rank(b[0])));
}

/**
 * A hand-written SVG line chart of throughput against concurrency (both axes logarithmic):
 * Hermes beside the baseline and the peers. Solid lines are durable modes, dashed ones are not.
 */
export function renderSvg(results: Pick<Results, 'rows' | 'startedAt' | 'machine'>): string {
  const series = chartSeries(results);
  const W = 1010;
  const H = 520;
  const left = 80;
  const right = 350;
  const top = 50;
  const bottom = 60;
  const all = [...series.values()].flat();
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter((y) => y > 0);
  const xMin = Math.min(1, ...xs);
  const xMax = Math.max(2, ...xs);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys, 1e6)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys, 10)));
  const px = (x: number): number =>
    left +
    ((Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * (W - left - right);
  const py = (y: number): number =>
    H -
    bottom -
    ((Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) *
      (H - top - bottom);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12" role="img" aria-labelledby="title">`,
    '<title id="title">Writes per second against concurrency: Hermes, the baseline and the peers (100 B values)</title>',
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">Writes/s against concurrency (100 B values)</text>`,
    `<text x="${left}" y="40" fill="#555">${esc(`${results.startedAt} · ${results.machine.cpu} · ${results.machine.cores} cores · ${results.machine.filesystem} · Node ${results.machine.node}`)}</text>`,
  );
  for (let e = Math.log10(yMin); e <= Math.log10(yMax); e++) {
    const y = py(10 ** e);
    out.push(
      `<line x1="${left}" x2="${W - right}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${y + 4}" text-anchor="end">${num(10 ** e)}</text>`,
    );
  }
  const ticks = [...new Set(xs)].sort((a, b) => a - b);
  for (const t of ticks) {
    const x = px(t);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${top}" y2="${H - bottom}" stroke="#eee"/>`,
      `<text x="${x}" y="${H - bottom + 18}" text-anchor="middle">${t}</text>`,
    );
  }
  out.push(
    `<text x="${(left + W - right) / 2}" y="${H - 20}" text-anchor="middle">concurrent writers (log scale)</text>`,
    `<text transform="translate(20 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">writes/s (log scale)</text>`,
    `<rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}" fill="none" stroke="#333"/>`,
  );
  let i = 0;
  let hermesSeen = 0;
  let peersSeen = 0;
  const lines: string[] = [];
  const bands: string[] = [];
  for (const [name, points] of series) {
    const kind = rank(name);
    const color =
      kind === 0
        ? '#000000'
        : kind === 1
          ? HERMES_COLORS[hermesSeen++ % HERMES_COLORS.length]!
          : PEER_COLORS[peersSeen++ % PEER_COLORS.length]!;
    const dashed = /not durable|no fsync/i.test(name);
    const hermes = kind === 1;
    const band = BAND.test(name);
    const stroke = band
      ? `stroke="${color}" stroke-width="9" stroke-opacity="0.35" stroke-linecap="round"`
      : `stroke="${color}" stroke-width="${hermes ? 3 : 1.5}"${dashed ? ' stroke-dasharray="6 4"' : ''}`;
    const d = points
      .map((p, k) => `${k === 0 ? 'M' : 'L'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`)
      .join(' ');
    (band ? bands : lines).push(
      `<path d="${d}" fill="none" ${stroke}/>`,
      ...points.map(
        (p) =>
          `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="${band ? 5 : 3}" fill="${color}"${band ? ' fill-opacity="0.5"' : ''}/>`,
      ),
    );
    const ly = top + 10 + i * 18;
    out.push(
      `<line x1="${W - right + 15}" x2="${W - right + 40}" y1="${ly}" y2="${ly}" ${stroke}/>`,
      `<text x="${W - right + 46}" y="${ly + 4}"${hermes ? ' font-weight="bold"' : ''}>${esc(name)}</text>`,
    );
    i++;
  }
  // Bands first, so every line stays visible on top of them.
  out.push(...bands, ...lines);
  const notes = [
    'solid: durable · dashed: not durable',
    '(SyncEverySecond: fsync once a second)',
    'pale band: durable Locked, drawn under',
    'Sharded, which it equals where hidden',
    "baseline: the log's own lines written by a",
    'plain writev + fdatasync group commit that',
    'gathers each turn: a reference, not a bound',
  ];
  notes.forEach((note, k) => {
    const y = H - bottom - (notes.length - 1 - k) * 15;
    out.push(`<text x="${W - right + 15}" y="${y}" fill="#555">${esc(note)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
