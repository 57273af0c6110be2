/** Thrown for a flag or environment variable with a value the service cannot use. */
export class ConfigError extends Error {
  /** Stable code to branch on. */
  readonly code: 'CONFIG_INVALID' = 'CONFIG_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A parsed `--sync` value: the wal's `SyncPolicy` in milliseconds, and how to print it. */
export interface SyncSetting {
  /** `0` fsyncs before every write is acknowledged; otherwise the fsync period in ms. */
  readonly ms: number;
  /** `always`, `everysec` or the duration as given (`250ms`). */
  readonly label: string;
}

/**
 * Parses `--sync`: `always` (fsync before acknowledging, 0), `everysec` (1000 ms), or a
 * duration such as `250ms`, `2s`, `0ms` (same as `always`). Throws `ConfigError` otherwise.
 */
export function parseSync(raw: string): SyncSetting {
  const s = raw.trim().toLowerCase();
  if (s === 'always') return { ms: 0, label: 'always' };
  if (s === 'everysec') return { ms: 1000, label: 'everysec' };
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(s);
  if (m) {
    const ms = Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
    if (ms <= 60 * 60 * 1000)
      return ms === 0 ? { ms: 0, label: 'always' } : { ms, label: `${ms}ms` };
  }
  throw new ConfigError(
    `--sync "${raw}" is not a policy: use "always", "everysec" or a duration up to 1h like "250ms" or "2s".`,
  );
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
};

/** Parses a byte size: a whole number with an optional `KiB`, `MiB` or `GiB` suffix (powers of 1024). */
export function parseBytes(raw: string, flag: string): number {
  const m = /^(\d+)\s*([a-z]*)$/.exec(raw.trim().toLowerCase());
  const unit = m === null ? undefined : UNITS[m[2]!];
  const n = m === null || unit === undefined ? Number.NaN : Number(m[1]) * unit;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ConfigError(
      `${flag} "${raw}" is not a size: use bytes, or a number with KiB, MiB or GiB (e.g. 16MiB).`,
    );
  }
  return n;
}

/** Parses a whole number in `[min, max]`. */
export function parseInteger(raw: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= min && n <= max)) {
    throw new ConfigError(`${flag} "${raw}" must be a whole number from ${min} to ${max}.`);
  }
  return n;
}
