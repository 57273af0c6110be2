import {
  formatMs,
  parseDuration,
  parseSize,
  SyncEverySecond,
  SyncEveryWrite,
  ValueError,
} from '@hermes/wal';

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
  /** `SyncEveryWrite` (0) fsyncs before every write is acknowledged; otherwise the fsync period in ms. */
  readonly ms: number;
  /** `always`, `everysec` or the duration as given (`250ms`). */
  readonly label: string;
}

/**
 * Parses `--sync`: `always` (`SyncEveryWrite`), `everysec` (`SyncEverySecond`), or a period
 * from 1ms to 1h such as `250ms`, `2s`, `1m`, `1h` (the durations of `@hermes/wal`'s
 * `parseDuration`). A zero period is refused: say `always`. `name` is what the user set
 * (`--sync` or `HERMES_SYNC`). Throws `ConfigError` otherwise.
 */
export function parseSync(raw: string, name = '--sync'): SyncSetting {
  const s = raw.trim().toLowerCase();
  if (s === 'always') return { ms: SyncEveryWrite, label: 'always' };
  if (s === 'everysec') return { ms: SyncEverySecond, label: 'everysec' };
  if (/^0+(\.0+)?\s*(ms|s|m|h)$/.test(s)) {
    throw new ConfigError(
      `${name} "${raw}" is a zero period: say "always" to fsync before acknowledging each write.`,
    );
  }
  let ms: number;
  try {
    ms = parseDuration(raw, name);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw new ConfigError(
      `${name} "${raw}" is not a policy: use "always", "everysec" or a period from 1ms to 1h like "250ms", "2s" or "1m".`,
    );
  }
  return { ms, label: formatMs(ms) };
}

/**
 * Parses a byte size with `@hermes/wal`'s `parseSize` (e.g. `4096`, `16MiB`, `1MB`), naming
 * `name` (the flag or variable the user set) in the `ConfigError`.
 */
export function parseBytes(raw: string, name: string): number {
  return asConfigError(() => parseSize(raw, name));
}

/** Runs `parse`, turning its `ValueError` into a `ConfigError` with the same message. */
function asConfigError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ValueError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Parses a whole number in `[min, max]`. */
export function parseInteger(raw: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= min && n <= max)) {
    throw new ConfigError(`${flag} "${raw}" must be a whole number from ${min} to ${max}.`);
  }
  return n;
}
