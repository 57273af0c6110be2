/** Bytes of one arena chunk: many commits of small records fit, so a commit is one or two buffers. */
export const CHUNK_BYTES: number = 1024 * 1024;

/**
 * A piece of arena memory that appends encode their lines into. Commits are written straight
 * from it (subarrays), so its bytes must not change until every write reading them returned:
 * `refs` counts the runs of records (queued or being written) that still point into it.
 */
export class Chunk {
  readonly buffer: Buffer;
  /** Bytes handed out so far. */
  used = 0;
  /** Runs of records, queued or in flight, whose bytes live here. */
  refs = 0;
  /** No longer the chunk new records go into. */
  retired = false;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }
}

/**
 * Hands out the chunk appends encode into and takes chunks back once every write reading them
 * has returned, keeping one spare so that steady traffic reuses two buffers (one being filled,
 * one being written) instead of allocating. A chunk whose write failed or never returned is never
 * reused (a stuck write may still read it); the garbage collector takes it.
 */
export class Arena {
  #current: Chunk | null = null;
  #spare: Chunk | null = null;

  /** The chunk to encode into, with at least `bytes` free (`bytes` at most {@link CHUNK_BYTES}). */
  room(bytes: number): Chunk {
    const current = this.#current;
    if (current !== null && CHUNK_BYTES - current.used >= bytes) return current;
    if (current !== null) this.#retire(current);
    let next = this.#spare;
    if (next === null) {
      next = new Chunk(Buffer.allocUnsafeSlow(CHUNK_BYTES));
    } else {
      this.#spare = null;
      next.used = 0;
      next.retired = false;
    }
    this.#current = next;
    return next;
  }

  /** Drops one reference to `chunk` (its run was written); reuses it once nothing points into it. */
  unref(chunk: Chunk): void {
    chunk.refs--;
    if (chunk.refs === 0 && chunk.retired && this.#spare === null) this.#spare = chunk;
  }

  /** Forgets every chunk (the queue was emptied by a failure: nothing in them will be written). */
  reset(): void {
    this.#current = null;
    this.#spare = null;
  }

  #retire(chunk: Chunk): void {
    chunk.retired = true;
    if (chunk.refs === 0 && this.#spare === null) this.#spare = chunk;
  }
}
