/** Stable codes of {@link WalError}. */
export type WalErrorCode =
  /** Another process (or this one) holds the directory: close it, or wait for it to exit. */
  | 'WAL_LOCKED'
  /** The log was closed: open it again to append. */
  | 'WAL_CLOSED'
  /** A write failed (EIO, ENOSPC, a short write): the appends waiting on it were not stored. */
  | 'WAL_WRITE_FAILED'
  /** An fsync failed: what it covered may be lost. */
  | 'WAL_SYNC_FAILED'
  /** An earlier write or fsync failed; the log takes no more appends until it is reopened. */
  | 'WAL_POISONED'
  /** `close()` could not drain within its timeout. */
  | 'WAL_CLOSE_TIMEOUT'
  /** Replay found damage it may not repair under the recovery mode (file, offset and reason given). */
  | 'WAL_CORRUPT'
  /** The options are invalid. */
  | 'WAL_INVALID_OPTIONS'
  /**
   * The log directory holds a file the log did not write and does not document (named in the
   * message): move it out. A seed log is imported with `hermes-wal import`.
   */
  | 'WAL_FOREIGN_FILE'
  /**
   * The log's path cannot be a log directory as it is: it is a file, it cannot be read or created,
   * `LOCK` is a directory, or a directory sits under a segment's or snapshot's name.
   */
  | 'WAL_BAD_DIRECTORY'
  /** `hermes-wal import` found a line of the seed log it cannot take (line number given). */
  | 'WAL_IMPORT_INVALID'
  /**
   * A backup's target exists and is not an empty directory: a backup never overwrites anything.
   * Pick a new target, or remove the old one first.
   */
  | 'WAL_BACKUP_TARGET_EXISTS';

/** Every error the log raises itself; record-level refusals keep their `RecordError`. */
export class WalError extends Error {
  /** Stable code to branch on. */
  readonly code: WalErrorCode;

  constructor(code: WalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WalError';
    this.code = code;
  }
}

/**
 * `WAL_CORRUPT`: replay found damage the recovery mode may not repair. Names the damaged file,
 * the byte offset of the damaged line in it, and why it failed to decode.
 */
export class WalCorruptError extends WalError {
  /** Full path of the damaged segment or snapshot. */
  readonly file: string;
  /** Byte offset of the damaged line's first byte in `file`. */
  readonly offset: number;
  /** Why the line failed to decode (a `DecodeFailureReason` of `@hermes/record`). */
  readonly reason: string;

  constructor(file: string, offset: number, reason: string, message: string) {
    super('WAL_CORRUPT', message);
    this.name = 'WalCorruptError';
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }
}

/** `WAL_BAD_DIRECTORY` or `WAL_FOREIGN_FILE` for `path`, saying what is wrong and what to do. */
export class WalPathError extends WalError {
  /** The path at fault. */
  readonly path: string;

  constructor(
    code: 'WAL_BAD_DIRECTORY' | 'WAL_FOREIGN_FILE',
    path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'WalPathError';
    this.path = path;
  }
}

/** `WAL_IMPORT_INVALID`: a line of a seed log that `importSeedLog` cannot take; nothing was written. */
export class WalImportError extends WalError {
  /** The seed log file. */
  readonly file: string;
  /** 1-based number of the line. */
  readonly line: number;
  /** Why (a `DecodeFailureReason` of `@hermes/record`, `crlf`, or `key-collision`). */
  readonly reason: string;

  constructor(file: string, line: number, reason: string, message: string) {
    super('WAL_IMPORT_INVALID', message);
    this.name = 'WalImportError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
