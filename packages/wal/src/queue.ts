/** Settles one append: `resolve` after its optional `onDurable`, or `reject`. */
type Resolve = () => void;
type Reject = (error: unknown) => void;
type OnDurable = (() => void) | undefined;

/** Appends taken together for one write, in log order (parallel arrays: no object per append). */
export interface Batch {
  readonly chunks: Uint8Array[];
  readonly resolves: Resolve[];
  readonly rejects: Reject[];
  readonly durables: OnDurable[];
  readonly bytes: number;
  /** Set once its appends are settled (so a late I/O completion cannot settle them twice). */
  settled: boolean;
}

/** Limits of the queue: past them, appends wait in line (FIFO) instead of entering it. */
export interface QueueLimits {
  readonly maxBytes: number;
  readonly maxRecords: number;
}

/**
 * The bounded queue between appenders and the log's actor. Encoded records enter while it has
 * room; past `maxBytes` or `maxRecords` they wait in a FIFO line (so one caller's records keep
 * their call order) and enter as the actor frees room. Its counts bound the memory the log holds.
 */
export class AppendQueue {
  #chunks: Uint8Array[] = [];
  #resolves: Resolve[] = [];
  #rejects: Reject[] = [];
  #durables: OnDurable[] = [];
  #bytes = 0;
  /** Bytes of taken batches not yet released (still in flight). */
  #inFlightBytes = 0;
  #inFlightRecords = 0;
  #waiting: { chunk: Uint8Array; resolve: Resolve; reject: Reject; onDurable: OnDurable }[] = [];
  readonly #limits: QueueLimits;

  constructor(limits: QueueLimits) {
    this.#limits = limits;
  }

  /** Records in the queue, in flight included (not those waiting for room). */
  get records(): number {
    return this.#chunks.length + this.#inFlightRecords;
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
    return this.#chunks.length;
  }

  /** Whether nothing is queued or waiting (in-flight batches aside). */
  get empty(): boolean {
    return this.#chunks.length === 0 && this.#waiting.length === 0;
  }

  #fits(bytes: number): boolean {
    const records = this.records;
    if (records === 0) return true; // an oversized record still gets in alone
    return records < this.#limits.maxRecords && this.bytes + bytes <= this.#limits.maxBytes;
  }

  /** Adds an encoded record, or puts it in line when the queue is full. */
  push(chunk: Uint8Array, resolve: Resolve, reject: Reject, onDurable: OnDurable): void {
    if (this.#waiting.length === 0 && this.#fits(chunk.byteLength)) {
      this.#chunks.push(chunk);
      this.#resolves.push(resolve);
      this.#rejects.push(reject);
      this.#durables.push(onDurable);
      this.#bytes += chunk.byteLength;
    } else {
      this.#waiting.push({ chunk, resolve, reject, onDurable });
    }
  }

  /** Takes up to `maxBytes` (at least one record) and at most `maxRecords` from the head. */
  take(maxBytes: number, maxRecords: number): Batch {
    let count = 0;
    let bytes = 0;
    const all = this.#chunks.length;
    const limit = Math.min(all, maxRecords);
    if (limit === all && this.#bytes <= maxBytes) {
      count = all;
      bytes = this.#bytes;
    } else {
      while (count < limit) {
        const size = this.#chunks[count]!.byteLength;
        if (count > 0 && bytes + size > maxBytes) break;
        bytes += size;
        count++;
      }
    }
    let batch: Batch;
    if (count === all) {
      batch = {
        chunks: this.#chunks,
        resolves: this.#resolves,
        rejects: this.#rejects,
        durables: this.#durables,
        bytes,
        settled: false,
      };
      this.#chunks = [];
      this.#resolves = [];
      this.#rejects = [];
      this.#durables = [];
    } else {
      batch = {
        chunks: this.#chunks.splice(0, count),
        resolves: this.#resolves.splice(0, count),
        rejects: this.#rejects.splice(0, count),
        durables: this.#durables.splice(0, count),
        bytes,
        settled: false,
      };
    }
    this.#bytes -= bytes;
    this.#inFlightBytes += bytes;
    this.#inFlightRecords += count;
    return batch;
  }

  /** Frees the room a settled batch held, letting waiting appends in (in order). */
  release(batch: Batch): void {
    this.#inFlightBytes -= batch.bytes;
    this.#inFlightRecords -= batch.chunks.length;
    let admitted = 0;
    while (admitted < this.#waiting.length) {
      const next = this.#waiting[admitted]!;
      if (!this.#fits(next.chunk.byteLength)) break;
      this.#chunks.push(next.chunk);
      this.#resolves.push(next.resolve);
      this.#rejects.push(next.reject);
      this.#durables.push(next.onDurable);
      this.#bytes += next.chunk.byteLength;
      admitted++;
    }
    if (admitted > 0) this.#waiting.splice(0, admitted);
  }

  /** Rejects everything queued or waiting (not in flight) with `error`. */
  rejectAll(error: unknown): void {
    const rejects = this.#rejects;
    const waiting = this.#waiting;
    this.#chunks = [];
    this.#resolves = [];
    this.#rejects = [];
    this.#durables = [];
    this.#bytes = 0;
    this.#waiting = [];
    for (const reject of rejects) reject(error);
    for (const entry of waiting) entry.reject(error);
  }
}
