/** Stable codes of {@link HermesLevelError}. */
export type HermesLevelErrorCode =
  /** `createIfMissing: false` and the folder holds no database: open it once without that option. */
  | 'HERMES_LEVEL_MISSING'
  /** `errorIfExists: true` and the folder already holds a database: pick another folder. */
  | 'HERMES_LEVEL_EXISTS'
  /** Another instance or process has the folder open (the log's `WAL_LOCKED` is the cause). */
  | 'LEVEL_LOCKED'
  /** `getSync` through a snapshot that still waits for writes called before it: await them first. */
  | 'HERMES_LEVEL_SNAPSHOT_PENDING'
  /** The constructor was given a bad location or bad options. */
  | 'HERMES_LEVEL_INVALID_OPTIONS';

/**
 * The errors `HermesLevel` raises itself. abstract-level wraps an open failure in its own
 * `LEVEL_DATABASE_NOT_OPEN` error, with this one as its `cause`.
 */
export class HermesLevelError extends Error {
  /** Stable code to branch on. */
  readonly code: HermesLevelErrorCode;

  /** An error with `code` and a message that says what to do. */
  constructor(code: HermesLevelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HermesLevelError';
    this.code = code;
  }
}
