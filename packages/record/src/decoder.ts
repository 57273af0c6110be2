import { decodeRange } from './decode.js';
import { failure } from './failure.js';
import { FILE_HEADER, FILE_HEADER_V1, type LogFormat } from './format.js';
import { resolveLimits } from './limits.js';
import { isSet } from './parse-op.js';
import { LineSplitter } from './splitter.js';
import type { DecodeResult, RecordLimits } from './types.js';

/** Options of {@link LogDecoder}. */
export interface LogDecoderOptions {
  /** Limits to enforce; missing ones come from DEFAULT_LIMITS. */
  readonly limits?: Partial<RecordLimits>;
  /** Stream offset of the first byte pushed (offsets in results count from it). @default 0 */
  readonly startOffset?: number;
  /**
   * The format, when already known (e.g. when resuming after the header); no header is then
   * expected. @default detected from the first line
   */
  readonly format?: LogFormat;
}

/** Called with each decoded record or failure, in stream order. */
export type DecodeCallback = (result: DecodeResult) => void;

const HEADER_LINE = FILE_HEADER.subarray(0, FILE_HEADER.length - 1);
const HEADER_LINE_V1 = FILE_HEADER_V1.subarray(0, FILE_HEADER_V1.length - 1);
const LEGACY_START = Buffer.from('SET ', 'latin1');

/**
 * Decodes a whole log stream pushed in arbitrary chunks. The first line decides the format: the
 * v2 header means `v2`, the v1 header `v1` (the header is not emitted); a line starting `SET `
 * means `legacy`; anything else is reported as `bad-header` and the rest is read as `v2` (the
 * newest format, whose lines include v1's). Results are the same
 * for every way of cutting the bytes into chunks. Never throws on bad input.
 */
export class LogDecoder {
  readonly #limits: RecordLimits;
  readonly #splitter: LineSplitter;
  readonly #start: number;
  #format: LogFormat | undefined;
  #headerBytes: number | undefined;
  #emit: DecodeCallback = () => {};
  readonly #onLine = (
    bytes: Buffer,
    start: number,
    end: number,
    offset: number,
    length: number,
  ): void => {
    this.#line(bytes, start, end, offset, length);
  };

  /** @throws RecordError `RECORD_INVALID_LIMITS` for invalid limits. */
  constructor(options: LogDecoderOptions = {}) {
    this.#limits = resolveLimits(options.limits);
    this.#start = options.startOffset ?? 0;
    this.#splitter = new LineSplitter(this.#limits.maxLineBytes, this.#start);
    this.#format = options.format;
    if (options.format !== undefined) this.#headerBytes = 0;
  }

  /** The detected (or given) format; `undefined` until the first line decides it. */
  get format(): LogFormat | undefined {
    return this.#format;
  }

  /**
   * Bytes the header line takes (13 for v1 and v2, 0 for legacy or a given format); records start at
   * `startOffset + headerBytes`. `undefined` until the format is decided.
   */
  get headerBytes(): number | undefined {
    return this.#headerBytes;
  }

  /** Stream offset just after the last complete line seen: where a torn tail would start. */
  get offset(): number {
    return this.#splitter.offset;
  }

  /** Feeds the next chunk; calls `emit` for every record or failure it completes. */
  push(chunk: Uint8Array, emit: DecodeCallback): void {
    this.#emit = emit;
    this.#splitter.scan(chunk, this.#onLine);
  }

  /** Ends the stream; a partial last line is emitted as a `truncated` failure. */
  end(emit: DecodeCallback): void {
    const tail = this.#splitter.end();
    if (tail === undefined) return;
    if (this.#format === undefined) this.#detectFromTail(tail.bytes);
    emit(
      failure(
        'truncated',
        tail.offset,
        tail.length,
        `The last ${tail.length} bytes are a line without its newline (a torn write).`,
      ),
    );
  }

  #line(bytes: Buffer, start: number, end: number, offset: number, length: number): void {
    const emit = this.#emit;
    if (length > end - start) {
      if (this.#format === undefined) {
        // Not the header (too long for it); a legacy line this long is not plausible.
        this.#format = 'v2';
        this.#headerBytes = 0;
      }
      emit(
        failure(
          'too-large',
          offset,
          length + 1,
          `The line takes ${length + 1} bytes, over maxLineBytes ${this.#limits.maxLineBytes}.`,
        ),
      );
      return;
    }
    if (
      this.#format === undefined &&
      !this.#detect(bytes.subarray(start, end), offset, length, emit)
    ) {
      return;
    }
    emit(decodeRange(bytes, start, end, offset, this.#format!, this.#limits));
  }

  /** Decides the format from the first line; returns whether the line is a record to decode. */
  #detect(line: Uint8Array, offset: number, length: number, emit: DecodeCallback): boolean {
    if (Buffer.compare(line, HEADER_LINE) === 0) {
      this.#format = 'v2';
      this.#headerBytes = FILE_HEADER.length;
      return false;
    }
    if (Buffer.compare(line, HEADER_LINE_V1) === 0) {
      this.#format = 'v1';
      this.#headerBytes = FILE_HEADER_V1.length;
      return false;
    }
    if (isSet(line, 0)) {
      this.#format = 'legacy';
      this.#headerBytes = 0;
      return true;
    }
    this.#format = 'v2';
    this.#headerBytes = length + 1;
    emit(
      failure(
        'bad-header',
        offset,
        length + 1,
        `The first line is neither a header this version reads (${JSON.stringify(HEADER_LINE.toString('latin1'))}, ${JSON.stringify(HEADER_LINE_V1.toString('latin1'))}) nor a legacy SET line: a newer format version or a damaged header.`,
      ),
    );
    return false;
  }

  #detectFromTail(bytes: Uint8Array): void {
    const n = bytes.length;
    // A header torn before its version digit is the v2 one, the only one written now.
    if (isPrefixOf(bytes, HEADER_LINE)) {
      this.#format = 'v2';
    } else if (isPrefixOf(bytes, HEADER_LINE_V1)) {
      this.#format = 'v1';
    } else if (n > 0 && n <= 4 && Buffer.compare(bytes, LEGACY_START.subarray(0, n)) === 0) {
      this.#format = 'legacy';
    } else if (isSet(bytes, 0)) {
      this.#format = 'legacy';
    }
  }
}

/** Whether `bytes` is a non-empty prefix of `line`. */
function isPrefixOf(bytes: Uint8Array, line: Uint8Array): boolean {
  const n = bytes.length;
  return n > 0 && n <= line.length && Buffer.compare(bytes, line.subarray(0, n)) === 0;
}
