import type { LogRecord, RecordLimits } from '@hermes/record';

/**
 * The narrow file-system port the log talks to. Production passes `nodeFileSystem`; tests pass
 * `FaultyFileSystem` from `@hermes/wal/testing`, which fails, hangs, tears writes or crashes.
 */
export interface FileSystem {
  /** Opens (creating if missing) a file for appending; `size` is its length at open. */
  openAppend(path: string): Promise<AppendFile>;
  /** Opens an existing file for reading. */
  openRead(path: string): Promise<ReadFile>;
  /**
   * Creates `path` exclusively with `data` (fails with EEXIST if it exists), atomically: a reader
   * never sees `path` without all of `data` (the directory lock depends on it). Not synced.
   */
  writeExclusive(path: string, data: Uint8Array): Promise<void>;
  /** Reads a whole small file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Names in a directory. */
  readdir(dir: string): Promise<string[]>;
  /** Creates a directory and its parents if missing (not synced: `syncDir` each one's parent). */
  mkdir(dir: string): Promise<void>;
  /** Size in bytes, or `undefined` if the file does not exist. */
  size(path: string): Promise<number | undefined>;
  /** Atomically renames a file (replacing `to`). Durable only after `syncDir`. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing file is not an error. Durable only after `syncDir`. */
  unlink(path: string): Promise<void>;
  /** Cuts a file to `length` bytes and fsyncs it. */
  truncate(path: string, length: number): Promise<void>;
  /** fsyncs a directory, making creations, renames and removals in it durable. */
  syncDir(dir: string): Promise<void>;
}

/** A file open for appending. */
export interface AppendFile {
  /** Current length in bytes (grows with each write). */
  readonly size: number;
  /**
   * Appends all `chunks` in order (looping on short writes); rejects if they cannot all be
   * written. The log reuses the chunks' memory as soon as this settles: an implementation must
   * not keep references to them afterwards.
   */
  write(chunks: readonly Uint8Array[]): Promise<void>;
  /** fdatasync: makes written data durable. */
  datasync(): Promise<void>;
  /** Closes the handle (does not sync). */
  close(): Promise<void>;
}

/** A file open for reading. */
export interface ReadFile {
  /** Length in bytes at open. */
  readonly size: number;
  /** Reads up to `buffer.length` bytes at `position` into `buffer`; resolves the count (0 at end). */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Closes the handle. */
  close(): Promise<void>;
}

/**
 * How long an append may wait for fsync, in milliseconds: `0` fsyncs before every append
 * resolves (group commit shares one fsync among all appends pending together); any other value
 * writes to the OS at once and fsyncs on a ticker of that period.
 */
export type SyncPolicy = number;

/** `SyncEveryWrite`: every append resolves only after the fsync that covers it. */
export const SyncEveryWrite: SyncPolicy = 0;
/** `SyncEverySecond`: appends resolve once written to the OS; a ticker fsyncs every second. */
export const SyncEverySecond: SyncPolicy = 1000;

/**
 * What replay does with damage, named after RocksDB's WAL recovery modes.
 * - `tolerate-tail` (default): cut an incomplete or corrupt final record of the last segment
 *   (kept in a `.broken` file); damage followed by valid records is a typed error.
 * - `strict`: any damage, even a torn tail, is a typed error.
 * - `salvage`: skip damaged records, count them in the report, go on.
 */
export type RecoveryMode = 'tolerate-tail' | 'strict' | 'salvage';

/** Hooks for metrics: each is called synchronously by the log's actor; keep them cheap. */
export interface WalObserver {
  /** A group commit was written: `records` records in one write of `bytes` bytes. */
  commitWritten?(records: number, bytes: number): void;
  /** An fsync succeeded after `durationMs`. */
  synced?(durationMs: number): void;
  /** The log was poisoned by a failed write or fsync; every later append rejects. */
  poisoned?(error: Error): void;
}

/** Where a record sits in the log. */
export interface LogPosition {
  /** Sequence number of the segment (or of the snapshot it belongs to). */
  readonly segment: number;
  /** Byte offset of the record's line in that file. */
  readonly offset: number;
}

/** Progress of a replay, for a progress bar. */
export interface ReplayProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** What opening (replaying) a log did. */
export interface OpenReport {
  /** Records replayed (a batch counts as one). */
  readonly records: number;
  /** Bytes read, snapshot and segments together. */
  readonly bytes: number;
  /** Segments replayed. */
  readonly segments: number;
  /** Whether a snapshot was the starting point. */
  readonly fromSnapshot: boolean;
  readonly durationMs: number;
  /** The torn tail that was cut, if any. */
  readonly tornTail: {
    readonly file: string;
    readonly offset: number;
    readonly bytes: number;
    readonly brokenFile: string;
  } | null;
  /** Damaged records skipped (`salvage` mode only). */
  readonly skipped: number;
  /** True when the directory held a log in the seed's legacy format (`SET <key> <base64>` lines). */
  readonly legacy: boolean;
}

/** Options of {@link openWal}. */
export interface WalOptions {
  /** The log directory; created if missing. */
  readonly dir: string;
  /** @default SyncEveryWrite (0) */
  readonly sync?: SyncPolicy;
  /** Rotate to a new segment once the current one reaches this size. @default 64 MiB */
  readonly segmentBytes?: number;
  /** Most bytes one group commit writes (bounds latency). @default 4 MiB */
  readonly maxCommitBytes?: number;
  /** Most bytes waiting in the queue before `append` waits (backpressure). @default 64 MiB */
  readonly maxQueueBytes?: number;
  /** Most records waiting in the queue before `append` waits. @default 65536 */
  readonly maxQueueRecords?: number;
  /** How long `close()` may drain before it rejects with `WAL_CLOSE_TIMEOUT`. @default 5000 */
  readonly closeTimeoutMs?: number;
  /** @default 'tolerate-tail' */
  readonly recovery?: RecoveryMode;
  /** Codec limits. @default DEFAULT_LIMITS of @hermes/record */
  readonly limits?: Partial<RecordLimits>;
  /** Called for every replayed record, in log order, before `openWal` resolves. */
  readonly onRecord?: (record: LogRecord, position: LogPosition) => void;
  /** Called as replay advances. */
  readonly onProgress?: (progress: ReplayProgress) => void;
  readonly observer?: WalObserver;
  /** @default nodeFileSystem */
  readonly fs?: FileSystem;
}

/** Writes the records of a snapshot; see {@link Wal.installSnapshot}. */
export interface SnapshotWriter {
  /** Adds one record to the snapshot (buffered; resolves when the buffer has room again). */
  write(record: LogRecord): Promise<void>;
}

/** Point-in-time facts about the log, for metrics and health checks. */
export interface WalStats {
  readonly appends: number;
  /** Group commits written: each one write (and, under `SyncEveryWrite`, one fsync) of many appends. */
  readonly commits: number;
  readonly fsyncs: number;
  /** Bytes in the log: snapshot plus segments. */
  readonly logBytes: number;
  /** Bytes of the current snapshot (0 if none). */
  readonly snapshotBytes: number;
  /** Milliseconds since the last successful fsync (0 when nothing is waiting for one). */
  readonly fsyncLagMs: number;
  /** Records in the bounded queue, the batch being written included. */
  readonly queuedRecords: number;
  /** Bytes in the bounded queue, the batch being written included. */
  readonly queuedBytes: number;
  /** Appends waiting for room in the full queue (backpressure), not counted above. */
  readonly waitingAppends: number;
  /** The error that poisoned the log, or `null` while it is healthy. */
  readonly poisoned: Error | null;
  readonly closed: boolean;
}

/**
 * The contract a durable store (`@hermes/wal-store`) relies on from its log: an ordered, durable,
 * replayable log of records. `Wal` (this package's `openWal`) is the local one; a replicated log (such as
 * `@hermes/wal-jetstream`) is another. Opened by a {@link LogOpener}, which replays the log into
 * {@link LogFollower.onRecord} before it resolves.
 *
 * One callback per record, in log order: the `onDurable` of an append this handle made, or
 * {@link LogFollower.onRecord} for any other record (replayed, or appended by another writer of a
 * replicated log). Callbacks run synchronously, one at a time, never inside one another.
 */
export interface LogPort {
  /**
   * Appends one record. Resolves once it is durable as the log defines it (fsynced for the local
   * log under `SyncEveryWrite`; acknowledged by a quorum for a replicated one); rejects with a
   * typed error otherwise, and then the record was not applied. `onDurable`, if given, runs
   * synchronously right before the promise resolves, at the record's place in log order (after
   * the callbacks of every record before it, whoever appended those). If it throws, the append
   * rejects with what it threw (the record is stored).
   */
  append(record: LogRecord, onDurable?: () => void): Promise<void>;
  /**
   * For a log that other writers append to (a replicated log); a log with one writer, such as
   * the local `Wal`, leaves it out, as memory checked under the store's locks is then current.
   *
   * Appends what `decide` returns only if no record reached the log between the state `decide`
   * saw and the append: `decide` runs synchronously at a point where the callbacks of every record
   * up to some position have run and no later one's, and the record is stored only if it lands
   * right after that position. If another record got in first, the log applies the records it
   * missed and calls `decide` again, up to a bound (then it rejects with a typed conflict error).
   * So `decide` may run more than once and must only read. Resolves `true` once the record is
   * durable and applied (`onDurable` ran, as for `append`), or `false` at once when `decide`
   * returns `undefined` (nothing appended); rejects with what `decide` throws.
   */
  appendDecided?(decide: () => LogRecord | undefined, onDurable?: () => void): Promise<boolean>;
  /** Resolves once everything appended through this handle before the call is durable. */
  sync(): Promise<void>;
  /**
   * The compaction cut: records whose callbacks ran before the call sit below the returned
   * position, later ones at or after it. Resolves once the cut is durable.
   */
  rotate(): Promise<number>;
  /**
   * Replaces every record below `upTo` (as returned by `rotate`) by the snapshot that `write`
   * fills, atomically: a reader replays either the old records or the snapshot, never a mix.
   */
  installSnapshot(upTo: number, write: (writer: SnapshotWriter) => Promise<void>): Promise<void>;
  /** Point-in-time facts for metrics and health checks; `poisoned` and `closed` decide health. */
  stats(): WalStats;
  /** Stops new appends, settles those in flight, releases the log. Every call returns the same promise. */
  close(): Promise<void>;
}

/** What a {@link LogOpener} tells as it opens and follows the log. */
export interface LogFollower {
  /**
   * Called for every record the log holds that this handle did not append: first those replayed
   * before the opener resolves, then, for a replicated log, those other writers append, each at
   * its place in log order among this handle's own `onDurable` callbacks (see {@link LogPort}).
   */
  onRecord(record: LogRecord): void;
  /** Called once when the log refuses every later append for good (a failed write or fsync). */
  poisoned(error: Error): void;
}

/** An opened log and what opening it did. */
export interface OpenedLog {
  readonly log: LogPort;
  readonly report: OpenReport;
}

/**
 * Opens a log: replays it into `follower.onRecord`, then resolves with the log, which goes on
 * telling `follower` of records it did not append. Rejects with the log's typed error.
 */
export type LogOpener = (follower: LogFollower) => Promise<OpenedLog>;

/** An open write-ahead log. Exactly one exists per directory at a time (the directory is locked). */
export interface Wal extends LogPort {
  /**
   * Appends one record. Resolves once it is durable under the sync policy; rejects with a
   * typed `WalError` otherwise (invalid record, log poisoned, log closed). `onDurable`, if given,
   * runs synchronously right before the promise resolves, in log order across all appends.
   * If `onDurable` throws, the append rejects with what it threw (the record is stored).
   */
  append(record: LogRecord, onDurable?: () => void): Promise<void>;
  /** Resolves once everything appended before the call is fsynced. */
  sync(): Promise<void>;
  /**
   * Cuts a new segment: records appended before the call go to segments with a smaller number,
   * later ones to the returned segment or after. The cut is durable when this resolves.
   */
  rotate(): Promise<number>;
  /**
   * Installs a snapshot that replaces every segment numbered below `upTo` (as returned by
   * `rotate`): `write` fills it; the log writes it to a temporary file, fsyncs it, fsyncs the log
   * up to now, renames it into place, fsyncs the directory, then removes the replaced files. A
   * crash at any step leaves a directory that replays to the same state.
   */
  installSnapshot(upTo: number, write: (writer: SnapshotWriter) => Promise<void>): Promise<void>;
  /** Point-in-time facts for metrics and health checks. */
  stats(): WalStats;
  /**
   * Stops new appends, drains and fsyncs the queue, closes the files and releases the lock.
   * Every call returns the same promise; rejects with `WAL_CLOSE_TIMEOUT` after `closeTimeoutMs`.
   */
  close(): Promise<void>;
}
