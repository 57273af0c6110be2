import { encodeRecord, encodeRecordInto, type LogRecord, type RecordLimits } from '@hermes/record';
import { Arena, CHUNK_BYTES, type Chunk } from './arena.js';

/** Settles one append: `resolve` after its optional `onDurable`, or `reject`. */
type Resolve = () => void;
type Reject = (error: unknown) => void;
type OnDurable = (() => void) | undefined;

/** One group commit: the appends taken together for one write (and, under `SyncEveryWrite`, one fsync), in log order (parallel arrays: no object per append). */
export interface Commit {
  /** The encoded lines, in order: a few contiguous pieces of arena chunks. */
  readonly chunks: Uint8Array[];
  /** The arena chunks the pieces live in (one entry per piece; `null` for a line of its own). */
  readonly owners: (Chunk | null)[];
  readonly resolves: Resolve[];
  readonly rejects: Reject[];
  readonly durables: OnDurable[];
  readonly count: number;
  readonly bytes: number;
  /** Set once its appends are settled (so a late I/O completion cannot settle them twice). */
  settled: boolean;
}

/** Limits of the queue: past them, appends wait in line (FIFO) instead of entering it. */
export interface QueueLimits {
  readonly maxBytes: number;
  readonly maxRecords: number;
}

/** Records that lie back to back in one buffer, in log order. */
interface Run {
  readonly buffer: Uint8Array;
  /** The arena chunk of `buffer`, or `null` for a line too large for the arena. */
  readonly owner: Chunk | null;
  start: number;
  end: number;
  count: number;
}

/** An append waiting for room, with its line encoded into a buffer of its own. */
interface Waiting {
  readonly line: Uint8Array;
  readonly resolve: Resolve;
  readonly reject: Reject;
  readonly onDurable: OnDurable;
}

const noop = (): void => {};

/** Lines longer than this get a buffer of their own instead of arena room. */
const LARGE_LINE = CHUNK_BYTES / 4;

/**
 * Bytes a set or delete of a string key can take at most, or -1 for anything else (a batch, a
 * clear, or a record the encoder will refuse). Cheap, so that the common record is encoded once, in place.
 */
function lineBound(record: LogRecord): number {
  const type = record.type;
  if (type === 'batch' || type === 'clear') return -1;
  const key = record.key;
  if (typeof key !== 'string') return -1;
  // A UTF-16 unit is at most 3 UTF-8 bytes, each escaped as %XX.
  const bound = 32 + 9 * key.length;
  if (type === 'delete') return bound;
  const value = (record as { value?: unknown }).value;
  if (!(value instanceof Uint8Array)) return -1;
  return bound + 4 * Math.ceil(value.length / 3);
}

/**
 * The bounded queue between appenders and the log's actor. Each append is encoded at once,
 * straight into an arena chunk after the one before it, so that a commit is one contiguous buffer
 * (or a few) written with one call, and no buffer is allocated per record. While it has room
 * (`maxBytes`, `maxRecords`, counting the commit in flight) records enter; past that they wait in
 * a FIFO line (so one caller's records keep their call order) and enter as the actor frees room.
 */
export class AppendQueue {
  readonly #limits: QueueLimits;
  readonly #codec: RecordLimits;
  readonly #arena = new Arena();
  #runs: Run[] = [];
  /** Byte length of each ready record (to split a run at a record boundary). */
  #sizes: number[] = [];
  #resolves: Resolve[] = [];
  #rejects: Reject[] = [];
  #durables: OnDurable[] = [];
  #bytes = 0;
  /** Bytes and records of taken commits not yet released (still in flight). */
  #inFlightBytes = 0;
  #inFlightRecords = 0;
  #waiting: Waiting[] = [];
  /** The settle functions of the promise just created by {@link AppendQueue.#capture}. */
  #capturedResolve: Resolve = noop;
  #capturedReject: Reject = noop;
  /** One executor for every append's promise of this queue: no closure is allocated per append. */
  readonly #capture = (resolve: Resolve, reject: Reject): void => {
    this.#capturedResolve = resolve;
    this.#capturedReject = reject;
  };

  constructor(limits: QueueLimits, codec: RecordLimits) {
    this.#limits = limits;
    this.#codec = codec;
  }

  /** Records in the queue, in flight included (not those waiting for room). */
  get records(): number {
    return this.#resolves.length + this.#inFlightRecords;
  }

  /** Bytes in the queue, in flight included (not those waiting for room). */
  get bytes(): number {
    return this.#bytes + this.#inFlightBytes;
  }

  /** Appends waiting for room (backpressure). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Records ready to be taken by the actor. */
  get ready(): number {
    return this.#resolves.length;
  }

  /** Whether nothing is queued or waiting (in-flight commits aside). */
  get empty(): boolean {
    return this.#resolves.length === 0 && this.#waiting.length === 0;
  }

  #fits(bytes: number): boolean {
    const records = this.records;
    if (records === 0) return true; // an oversized record still gets in alone
    return records < this.#limits.maxRecords && this.bytes + bytes <= this.#limits.maxBytes;
  }

  /**
   * Encodes `record` and queues it (or puts it in line when the queue is full); returns the
   * append's promise, which the actor settles.
   * @throws RecordError when the record cannot be encoded (nothing is queued).
   */
  push(record: LogRecord, onDurable: OnDurable): Promise<void> {
    const bound = this.#waiting.length === 0 ? lineBound(record) : -1;
    let promise: Promise<void>;
    if (bound >= 0 && bound <= LARGE_LINE) {
      const chunk = this.#arena.room(bound);
      const at = chunk.used;
      const size = encodeRecordInto(record, chunk.buffer, at, this.#codec);
      promise = new Promise(this.#capture);
      if (this.#fits(size)) {
        chunk.used = at + size;
        this.#addLine(chunk.buffer, chunk, at, size);
      } else {
        const line = Buffer.allocUnsafe(size);
        chunk.buffer.copy(line, 0, at, at + size);
        this.#wait(line, onDurable);
        return promise;
      }
    } else {
      const line = encodeRecord(record, this.#codec);
      promise = new Promise(this.#capture);
      if (this.#waiting.length > 0 || !this.#fits(line.byteLength)) {
        this.#wait(line, onDurable);
        return promise;
      }
      this.#admit(line);
    }
    this.#resolves.push(this.#capturedResolve);
    this.#rejects.push(this.#capturedReject);
    this.#durables.push(onDurable);
    return promise;
  }

  #wait(line: Uint8Array, onDurable: OnDurable): void {
    this.#waiting.push({
      line,
      resolve: this.#capturedResolve,
      reject: this.#capturedReject,
      onDurable,
    });
  }

  /** Queues an encoded line: copied into the arena, or on its own if large. */
  #admit(line: Uint8Array): void {
    const size = line.byteLength;
    if (size > LARGE_LINE) {
      this.#addLine(line, null, 0, size);
      return;
    }
    const chunk = this.#arena.room(size);
    const at = chunk.used;
    chunk.buffer.set(line, at);
    chunk.used = at + size;
    this.#addLine(chunk.buffer, chunk, at, size);
  }

  /** Records the line at `buffer[at, at + size)` as the next one in the log. */
  #addLine(buffer: Uint8Array, owner: Chunk | null, at: number, size: number): void {
    const runs = this.#runs;
    const last = runs.length > 0 ? runs[runs.length - 1]! : undefined;
    if (last !== undefined && last.buffer === buffer && last.end === at) {
      last.end = at + size;
      last.count++;
    } else {
      runs.push({ buffer, owner, start: at, end: at + size, count: 1 });
      if (owner !== null) owner.refs++;
    }
    this.#sizes.push(size);
    this.#bytes += size;
  }

  /** Takes up to `maxBytes` (at least one record) and at most `maxRecords` from the head. */
  take(maxBytes: number, maxRecords: number): Commit {
    const all = this.#resolves.length;
    const chunks: Uint8Array[] = [];
    const owners: (Chunk | null)[] = [];
    let count = 0;
    let bytes = 0;
    if (maxRecords >= all && this.#bytes <= maxBytes) {
      for (const run of this.#runs) {
        chunks.push(run.buffer.subarray(run.start, run.end));
        owners.push(run.owner);
      }
      this.#runs = [];
      this.#sizes = [];
      count = all;
      bytes = this.#bytes;
    } else {
      const limit = Math.min(all, maxRecords);
      const sizes = this.#sizes;
      const runs = this.#runs;
      let done = 0;
      while (count < limit) {
        const run = runs[done]!;
        let n = 0;
        let runBytes = 0;
        while (n < run.count && count + n < limit) {
          const size = sizes[count + n]!;
          if (count + n > 0 && bytes + runBytes + size > maxBytes) break;
          runBytes += size;
          n++;
        }
        if (n === 0) break;
        chunks.push(run.buffer.subarray(run.start, run.start + runBytes));
        owners.push(run.owner);
        count += n;
        bytes += runBytes;
        if (n < run.count) {
          // The run is split: the part taken and the part left both point into its chunk.
          run.start += runBytes;
          run.count -= n;
          if (run.owner !== null) run.owner.refs++;
          break;
        }
        done++;
      }
      runs.splice(0, done);
      sizes.splice(0, count);
    }
    let commit: Commit;
    if (count === all) {
      commit = {
        chunks,
        owners,
        resolves: this.#resolves,
        rejects: this.#rejects,
        durables: this.#durables,
        count,
        bytes,
        settled: false,
      };
      this.#resolves = [];
      this.#rejects = [];
      this.#durables = [];
    } else {
      commit = {
        chunks,
        owners,
        resolves: this.#resolves.splice(0, count),
        rejects: this.#rejects.splice(0, count),
        durables: this.#durables.splice(0, count),
        count,
        bytes,
        settled: false,
      };
    }
    this.#bytes -= bytes;
    this.#inFlightBytes += bytes;
    this.#inFlightRecords += count;
    return commit;
  }

  /** The commit's write returned successfully: its arena bytes may be reused. */
  written(commit: Commit): void {
    for (const owner of commit.owners) if (owner !== null) this.#arena.unref(owner);
  }

  /** Frees the room a settled commit held, letting waiting appends in (in order). */
  release(commit: Commit): void {
    this.#inFlightBytes -= commit.bytes;
    this.#inFlightRecords -= commit.count;
    const waiting = this.#waiting;
    let admitted = 0;
    while (admitted < waiting.length) {
      const next = waiting[admitted]!;
      if (!this.#fits(next.line.byteLength)) break;
      this.#admit(next.line);
      this.#resolves.push(next.resolve);
      this.#rejects.push(next.reject);
      this.#durables.push(next.onDurable);
      admitted++;
    }
    if (admitted > 0) waiting.splice(0, admitted);
  }

  /** Rejects everything queued or waiting (not in flight) with `error`. */
  rejectAll(error: unknown): void {
    const rejects = this.#rejects;
    const waiting = this.#waiting;
    this.#runs = [];
    this.#sizes = [];
    this.#resolves = [];
    this.#rejects = [];
    this.#durables = [];
    this.#bytes = 0;
    this.#waiting = [];
    this.#arena.reset();
    for (const reject of rejects) reject(error);
    for (const entry of waiting) entry.reject(error);
  }
}
