/** A number with about three significant digits and thousands separators: `1,234`, `12.3`, `0.456`. */
export function num(x: number | undefined | null): string {
  if (x === undefined || x === null || Number.isNaN(x)) return '-';
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  if (abs === 0) return '0';
  return x.toPrecision(3);
}

/** A ratio as `0.93x`. */
export function ratio(x: number | null | undefined): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '-';
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

/** The mark beside a target: holds, does not hold, not measured. */
export function mark(holds: boolean | null): string {
  return holds === null ? '?' : holds ? '✓' : '✗';
}

/** Renders rows as a plain-text table with aligned columns (first column left, others right). */
export function textTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** Renders rows as a Markdown table (first column left-aligned, others right). */
export function markdownTable(
  header: readonly string[],
  body: readonly (readonly string[])[],
): string {
  const esc = (c: string): string => c.replaceAll('|', '\\|');
  const head = `| ${header.map(esc).join(' | ')} |`;
  const align = `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [head, align, ...body.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
