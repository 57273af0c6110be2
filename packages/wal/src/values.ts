/**
 * The one parser of sizes and the one of durations that every Hermes command line uses (the
 * service's flags and variables, `hermes-wal`'s `--max-*` options), so `16MiB` or `250ms` mean
 * the same everywhere.
 */

/** Thrown for a size or duration that cannot be read; `message` says what is accepted. */
export class ValueError extends Error {
  /** Stable code to branch on. */
  readonly code = 'INVALID_VALUE' as const;

  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** Bytes per unit: SI units (`KB` = 1000) and binary ones (`KiB` = `K` = 1024). */
const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Milliseconds per unit. */
const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A size in bytes: a number with an optional unit, `B`, `KB`/`MB`/`GB` (powers of 1000),
 * `KiB`/`MiB`/`GiB` or `K`/`M`/`G` (powers of 1024), any case, e.g. `4096`, `16MiB`, `1.5GiB`,
 * `1MB`. It must come to a whole number of bytes, at least `min`.
 * @param name What to call the value in the error (`--max-value-bytes`, `HERMES_MAX_VALUE_BYTES`).
 * @throws ValueError naming `name`, the value as given and what is accepted.
 */
export function parseSize(text: string, name: string, min = 1): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m === null ? undefined : SIZE_UNITS[m[2]!.toLowerCase()];
  const bytes = m === null || unit === undefined ? Number.NaN : Number(m[1]) * unit;
  if (!Number.isSafeInteger(bytes) || bytes < min) {
    throw new ValueError(
      `${name} "${text}" is not a size: use a whole number of bytes${min > 0 ? ` (at least ${min})` : ''}, optionally with a unit: KiB, MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000), e.g. 16MiB.`,
    );
  }
  return bytes;
}

/**
 * A duration in milliseconds: a number with a unit, `ms`, `s`, `m` or `h`, e.g. `250ms`, `2s`,
 * `1m`, `1h`; at least `min` and at most `max` ms, rounded to whole milliseconds.
 * @throws ValueError naming `name`, the value as given and what is accepted.
 */
export function parseDuration(text: string, name: string, min = 1, max = 3_600_000): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/i.exec(text.trim());
  const unit = m === null ? undefined : DURATION_UNITS[m[2]!.toLowerCase()];
  const ms = m === null || unit === undefined ? Number.NaN : Math.round(Number(m[1]) * unit);
  if (!Number.isFinite(ms) || ms < min || ms > max) {
    throw new ValueError(
      `${name} "${text}" is not a duration from ${formatMs(min)} to ${formatMs(max)}: use a number with ms, s, m or h, e.g. 250ms, 2s, 1m.`,
    );
  }
  return ms;
}

/** `1h`, `2s`, `250ms`: a duration as the parser reads it. */
export function formatMs(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
