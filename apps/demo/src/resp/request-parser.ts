import { protocolError, type RespProtocolError, type RespProtocolErrorCode } from './errors.js';
import { type RespLimits, resolveRespLimits } from './limits.js';
import { parseLength } from './parse-length.js';
import { splitInline } from './split-inline.js';

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const EMPTY: Buffer = Buffer.alloc(0);
/**
 * What each argument costs beyond its bytes (a Buffer view and its slot: ~100 bytes of heap),
 * counted against `maxCommandBytes`, so a command of a million empty arguments is bounded too.
 */
const ARG_OVERHEAD_BYTES = 96;
/** Smallest buffer allocated when bytes must be joined. */
const MIN_CAPACITY = 4096;
/** Bytes searched in JavaScript for a header's `\r` before asking `indexOf`. */
const SHORT_SCAN = 24;

/**
 * Reads client requests from a byte stream, as Redis 7 reads them: multibulk
 * (`*<n>\r\n` then n times `$<len>\r\n<bytes>\r\n`) and inline lines. Pure: no I/O.
 *
 * Push each chunk read from the socket, then call {@link next} until it returns `undefined`.
 * A declared length over a limit is refused as soon as its header line is read, before any of
 * its bytes are buffered; an unterminated line is refused once it is longer than
 * `maxInlineBytes`. So after each drain, the parser holds at most one header line, one
 * argument's bytes and the arguments already read of the current command.
 *
 * Arguments are views: of the pushed chunk when an argument lies in one chunk, else of a buffer
 * the parser joined. Do not change a chunk after pushing it, and copy an argument you keep
 * beyond the command (a view keeps its whole chunk in memory).
 */
export class RequestParser {
  readonly #limits: RespLimits;
  /** The bytes held, from the first unread one's chunk to the last byte pushed. */
  #buf: Buffer = EMPTY;
  /** The buffer we allocated that `#buf` is the start of, whose rest we may fill; else undefined. */
  #store: Buffer | undefined;
  /** Index in `#buf` of the first unread byte. */
  #start = 0;
  /** Bytes after `#start` already searched for the current line's end. */
  #scanned = 0;
  /** Arguments still to read of the current multibulk command; 0 between commands. */
  #remaining = 0;
  /** Length of the argument whose bytes are awaited, or -1 while its `$` line is awaited. */
  #bulkLength = -1;
  #args: Buffer[] = [];
  #argBytes = 0;
  #failure: RespProtocolError | undefined;

  /**
   * @param limits Overrides of {@link DEFAULT_RESP_LIMITS}.
   * @throws RespUsageError `RESP_INVALID_LIMITS` if a limit is not a safe integer >= 0.
   */
  constructor(limits?: Partial<RespLimits>) {
    this.#limits = resolveRespLimits(limits);
  }

  /** The limits in force. */
  get limits(): RespLimits {
    return this.#limits;
  }

  /**
   * Bytes held for commands not yet returned: unread bytes plus the arguments already read of
   * the current command. Compare it with a query buffer limit if you push without draining.
   */
  get bufferedBytes(): number {
    return this.#buf.length - this.#start + this.#argBytes;
  }

  /**
   * Adds bytes read from the client. The parser keeps a reference to `chunk` (no copy when
   * commands lie in it whole): do not reuse it. Ignored once {@link next} has thrown.
   */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0 || this.#failure !== undefined) return;
    const buf = this.#buf;
    const start = this.#start;
    if (start === buf.length) {
      this.#buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.#store = undefined;
      this.#start = 0;
      return;
    }
    const store = this.#store;
    const end = buf.length;
    if (store !== undefined && store.length - end >= n && start <= store.length >>> 1) {
      store.set(chunk, end);
      this.#buf = store.subarray(0, end + n);
      return;
    }
    // Join into a new buffer; never shift bytes in place, as views of them may be out.
    const pending = end - start;
    const need = pending + n;
    let capacity = Math.max(need * 2, MIN_CAPACITY);
    // Awaiting an argument's bytes: grow towards its end, no further.
    if (this.#bulkLength >= 0) capacity = Math.max(need, Math.min(capacity, this.#bulkLength + 2));
    const joined = Buffer.allocUnsafe(capacity);
    buf.copy(joined, 0, start, end);
    joined.set(chunk, pending);
    this.#store = joined;
    this.#buf = joined.subarray(0, need);
    this.#start = 0;
  }

  /**
   * Returns the next complete command (its arguments, never empty), or `undefined` if more bytes
   * are needed. Empty commands (`*0`, `*-1`, blank inline lines) are skipped.
   * @throws RespProtocolError for bytes Redis would refuse; every later call throws it again.
   *   Reply with its message and close the connection.
   */
  next(): Buffer[] | undefined {
    if (this.#failure !== undefined) throw this.#failure;
    try {
      return this.#next();
    } catch (error) {
      this.#failure = error as RespProtocolError;
      this.#release();
      throw error;
    }
  }

  #next(): Buffer[] | undefined {
    const limits = this.#limits;
    for (;;) {
      if (this.#remaining === 0) {
        if (this.#start === this.#buf.length) {
          this.#release();
          return undefined;
        }
        if (this.#buf[this.#start] !== STAR) {
          const args = this.#inline();
          if (args === undefined) return undefined;
          if (args.length > 0) return args;
          continue;
        }
        const cr = this.#headerEnd('RESP_MBULK_COUNT_TOO_BIG', 'RESP_INVALID_MULTIBULK_LENGTH');
        if (cr === -1) return undefined;
        const count = parseLength(this.#buf, this.#start + 1, cr);
        if (!(count >= -1 && count <= limits.maxArrayLength)) {
          throw protocolError('RESP_INVALID_MULTIBULK_LENGTH');
        }
        this.#advance(cr + 2);
        if (count <= 0) continue;
        this.#remaining = count;
      }
      while (this.#remaining > 0) {
        if (this.#bulkLength === -1) {
          if (this.#start === this.#buf.length) return undefined;
          const first = this.#buf[this.#start]!;
          if (first !== DOLLAR) throw protocolError('RESP_EXPECTED_BULK', first);
          const cr = this.#headerEnd('RESP_BULK_COUNT_TOO_BIG', 'RESP_INVALID_BULK_LENGTH');
          if (cr === -1) return undefined;
          const length = parseLength(this.#buf, this.#start + 1, cr);
          if (!(length >= 0 && length <= limits.maxBulkBytes)) {
            throw protocolError('RESP_INVALID_BULK_LENGTH');
          }
          const held = this.#argBytes + (this.#args.length + 1) * ARG_OVERHEAD_BYTES;
          if (held + length > limits.maxCommandBytes) {
            throw protocolError('RESP_COMMAND_TOO_BIG');
          }
          this.#advance(cr + 2);
          this.#bulkLength = length;
        }
        const from = this.#start;
        const to = from + this.#bulkLength;
        const buf = this.#buf;
        if (buf.length - to < 2) return undefined;
        if (buf[to] !== CR || buf[to + 1] !== LF) throw protocolError('RESP_BULK_NOT_TERMINATED');
        this.#args.push(buf.subarray(from, to));
        this.#argBytes += this.#bulkLength;
        this.#bulkLength = -1;
        this.#remaining--;
        this.#advance(to + 2);
      }
      const args = this.#args;
      this.#args = [];
      this.#argBytes = 0;
      return args;
    }
  }

  /**
   * Finds the `\r` ending the `*` or `$` line at `#start`; -1 while the line is incomplete.
   * @throws RespProtocolError `tooBig` if the line is longer than `maxInlineBytes`, `invalid` if
   *   its `\r` is not followed by `\n`.
   */
  #headerEnd(tooBig: RespProtocolErrorCode, invalid: RespProtocolErrorCode): number {
    const buf = this.#buf;
    const start = this.#start;
    const end = buf.length;
    let cr = -1;
    let i = start + this.#scanned;
    const short = Math.min(end, i + SHORT_SCAN);
    for (; i < short; i++) {
      if (buf[i] === CR) {
        cr = i;
        break;
      }
    }
    if (cr === -1 && i < end) cr = buf.indexOf(CR, i);
    if (cr === -1) {
      if (end - start > this.#limits.maxInlineBytes) throw protocolError(tooBig);
      this.#scanned = end - start;
      return -1;
    }
    if (cr - start > this.#limits.maxInlineBytes) throw protocolError(tooBig);
    if (cr + 1 === end) {
      this.#scanned = cr - start;
      return -1;
    }
    if (buf[cr + 1] !== LF) throw protocolError(invalid);
    return cr;
  }

  /** Reads one inline line: its arguments (maybe none), or `undefined` while it is incomplete. */
  #inline(): Buffer[] | undefined {
    const buf = this.#buf;
    const start = this.#start;
    const end = buf.length;
    const max = this.#limits.maxInlineBytes;
    const lf = buf.indexOf(LF, start + this.#scanned);
    if (lf === -1) {
      const length = end - start - (buf[end - 1] === CR ? 1 : 0);
      if (length > max) throw protocolError('RESP_INLINE_TOO_BIG');
      this.#scanned = end - start;
      return undefined;
    }
    const to = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
    if (to - start > max) throw protocolError('RESP_INLINE_TOO_BIG');
    const args = splitInline(buf.subarray(start, to));
    this.#advance(lf + 1);
    return args;
  }

  /** Moves the read position to `position`, past a line or an argument. */
  #advance(position: number): void {
    this.#start = position;
    this.#scanned = 0;
  }

  /** Drops the buffer once everything in it is read, so a later chunk is taken without a copy. */
  #release(): void {
    this.#buf = EMPTY;
    this.#store = undefined;
    this.#start = 0;
  }
}
