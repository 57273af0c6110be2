import type {
  LogFollower,
  LogOpener,
  LogPort,
  LogRecord,
  OpenReport,
  SnapshotWriter,
  WalStats,
} from '@hermes/wal';

/** One record of a {@link SharedLog}, with who appended it and how to settle that append. */
interface Entry {
  readonly record: LogRecord;
  readonly from: SharedLogHandle;
  readonly onDurable: (() => void) | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A replicated log in memory, the smallest model of the `LogPort` contract with several writers:
 * one ordered array of records; each handle (one "node") is told of every record in that order,
 * its own through the append's `onDurable`, the others' through `onRecord`, on a later turn of
 * the event loop (so appends from several nodes interleave as they would over a network).
 */
export class SharedLog {
  readonly records: Entry[] = [];
  readonly #handles = new Set<SharedLogHandle>();
  #scheduled = false;

  /** A `LogOpener` for one more node on this log: replays what the log holds, then follows it. */
  opener(): LogOpener {
    return async (follower) => {
      const handle = new SharedLogHandle(this, follower);
      for (const entry of this.records) follower.onRecord(entry.record);
      handle.next = this.records.length;
      this.#handles.add(handle);
      return { log: handle, report: report(this.records.length) };
    };
  }

  /** Appends for `from`; every node hears of it on a later turn. */
  append(from: SharedLogHandle, record: LogRecord, onDurable?: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.records.push({ record, from, onDurable, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#deliver());
      }
    });
  }

  /** Removes a closed node. */
  leave(handle: SharedLogHandle): void {
    this.#handles.delete(handle);
  }

  #deliver(): void {
    this.#scheduled = false;
    for (const handle of this.#handles) {
      while (handle.next < this.records.length) {
        const entry = this.records[handle.next++]!;
        if (entry.from !== handle) {
          handle.follower.onRecord(entry.record);
          continue;
        }
        try {
          entry.onDurable?.();
        } catch (error) {
          entry.reject(error);
          continue;
        }
        entry.resolve();
      }
    }
  }
}

/** One node's handle on a {@link SharedLog}. */
export class SharedLogHandle implements LogPort {
  readonly #log: SharedLog;
  readonly follower: LogFollower;
  /** Index of the next record this node has not been told of. */
  next = 0;
  #closed = false;

  constructor(log: SharedLog, follower: LogFollower) {
    this.#log = log;
    this.follower = follower;
  }

  append(record: LogRecord, onDurable?: () => void): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('closed'));
    return this.#log.append(this, record, onDurable);
  }

  async sync(): Promise<void> {}

  async rotate(): Promise<number> {
    throw new Error('SharedLog has no compaction');
  }

  async installSnapshot(
    _upTo: number,
    _write: (writer: SnapshotWriter) => Promise<void>,
  ): Promise<void> {
    throw new Error('SharedLog has no compaction');
  }

  stats(): WalStats {
    return {
      appends: 0,
      commits: 0,
      fsyncs: 0,
      logBytes: 0,
      snapshotBytes: 0,
      fsyncLagMs: 0,
      queuedRecords: 0,
      queuedBytes: 0,
      waitingAppends: 0,
      poisoned: null,
      closed: this.#closed,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#log.leave(this);
  }
}

function report(records: number): OpenReport {
  return {
    records,
    bytes: 0,
    segments: 0,
    fromSnapshot: false,
    durationMs: 0,
    tornTail: null,
    skipped: 0,
    legacy: false,
  };
}
