import { asBuffer } from './as-buffer.js';
import { NEWLINE } from './format.js';
import { DEFAULT_LIMITS } from './limits.js';

const EMPTY = Buffer.alloc(0);

/**
 * Called once per complete line, in order. `line` excludes the newline and is a view that is
 * valid only during the call (it may point into the pushed chunk: copy what you keep). `offset`
 * is where the line starts in the stream. `length` is the line's true size without its newline:
 * it equals `line.length`, except for a line over `maxLineBytes`, whose bytes were dropped
 * (`line` is then empty and `length` larger).
 */
export type LineCallback = (line: Uint8Array, offset: number, length: number) => void;

/**
 * {@link LineSplitter.scan}'s callback: the line is `bytes[start, end)` (newline excluded);
 * `offset` and `length` are as for {@link LineCallback} (`start === end` when the line was over
 * the limit and dropped, `length` then its true size).
 */
export type RangeCallback = (
  bytes: Buffer,
  start: number,
  end: number,
  offset: number,
  length: number,
) => void;

/** The bytes after the last newline, handed back by {@link LineSplitter.end}. */
export interface LineTail {
  /** The held-back bytes (empty when the tail was over `maxLineBytes` and dropped). */
  readonly bytes: Uint8Array;
  /** Where the tail starts in the stream. */
  readonly offset: number;
  /** The tail's true size (larger than `bytes.length` when it was dropped). */
  readonly length: number;
}

/**
 * Splits a byte stream that arrives in arbitrary chunks into newline-terminated lines, with
 * their stream offsets. Complete lines inside a chunk are emitted as views without copying; only
 * a partial last line is copied and held back, so memory is bounded by the longest line, never by
 * the stream. A line longer than `maxLineBytes` (newline included) is not buffered: it is
 * reported by its offset and length with an empty `line`.
 */
export class LineSplitter {
  readonly #maxLine: number;
  #parts: Buffer[] = [];
  #held = 0;
  /** Stream offset of the first byte not yet emitted (the start of the held tail). */
  #offset: number;

  /**
   * @param maxLineBytes Longest line kept, newline included. @default DEFAULT_LIMITS.maxLineBytes (64 MiB)
   * @param startOffset Stream offset of the first byte pushed. @default 0
   */
  constructor(maxLineBytes: number = DEFAULT_LIMITS.maxLineBytes, startOffset = 0) {
    this.#maxLine = maxLineBytes - 1;
    this.#offset = startOffset;
  }

  /** Stream offset of the next line to be emitted (the start of the held-back tail). */
  get offset(): number {
    return this.#offset;
  }

  /** Feeds the next chunk; calls `emit` for every line it completes. */
  push(chunk: Uint8Array, emit: LineCallback): void {
    this.scan(chunk, (bytes, start, end, offset, length) => {
      emit(start === end ? EMPTY : bytes.subarray(start, end), offset, length);
    });
  }

  /**
   * {@link push} without a view per line: `emit` gets the bytes holding the line and the line's
   * bounds in them (`start === end` for a line over the limit, as for `push`'s empty `line`).
   * For the decoder's hot loop; `bytes` is valid only during the call.
   */
  scan(chunk: Uint8Array, emit: RangeCallback): void {
    const bytes = asBuffer(chunk);
    const size = bytes.length;
    let pos = 0;
    if (this.#held > 0) {
      const nl = bytes.indexOf(NEWLINE);
      if (nl < 0) {
        this.#hold(bytes, 0, size);
        return;
      }
      const length = this.#held + nl;
      const offset = this.#offset;
      let line: Buffer = EMPTY;
      if (length <= this.#maxLine) {
        this.#parts.push(bytes.subarray(0, nl));
        line = Buffer.concat(this.#parts, length);
      }
      this.#parts = [];
      this.#held = 0;
      this.#offset += length + 1;
      emit(line, 0, line.length, offset, length);
      pos = nl + 1;
    }
    const max = this.#maxLine;
    let nl = bytes.indexOf(NEWLINE, pos);
    while (nl >= 0) {
      const length = nl - pos;
      const offset = this.#offset;
      this.#offset += length + 1;
      emit(bytes, pos, length <= max ? nl : pos, offset, length);
      pos = nl + 1;
      nl = bytes.indexOf(NEWLINE, pos);
    }
    if (pos < size) this.#hold(bytes, pos, size);
  }

  /** Keeps a copy of `bytes[from, to)` as part of the tail, unless the tail is already too long. */
  #hold(bytes: Buffer, from: number, to: number): void {
    const held = this.#held + (to - from);
    if (held <= this.#maxLine) {
      this.#parts.push(Buffer.from(bytes.subarray(from, to)));
    } else if (this.#parts.length > 0) {
      this.#parts = [];
    }
    this.#held = held;
  }

  /**
   * Ends the stream: returns the held-back partial last line (bytes after the last newline), or
   * `undefined` if the stream ended on a newline. The splitter can then be reused; offsets go on.
   */
  end(): LineTail | undefined {
    if (this.#held === 0) return undefined;
    const length = this.#held;
    const bytes = length <= this.#maxLine ? Buffer.concat(this.#parts, length) : EMPTY;
    const tail = { bytes, offset: this.#offset, length };
    this.#parts = [];
    this.#held = 0;
    this.#offset += length;
    return tail;
  }
}
