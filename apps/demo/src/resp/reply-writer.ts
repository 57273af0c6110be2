import { RespUsageError } from './errors.js';

/** The protocol version a connection speaks: 2 by default, 3 after `HELLO 3`. */
export type RespVersion = 2 | 3;

/** A bulk string's value; `null` is the null reply. Strings are sent as UTF-8. */
export type BulkValue = Uint8Array | string | null;

/** Smallest buffer allocated for replies. */
const MIN_CAPACITY = 16 * 1024;
/** A buffer grown past this (by a big reply) is dropped once all of it is taken. */
const MAX_KEPT = 1024 * 1024;
const EMPTY: Buffer = Buffer.alloc(0);
/** Strings up to this length are tried as ASCII in JavaScript, skipping a native call. */
const ASCII_PROBE = 64;
/** Enough for a type byte, a 20-digit integer with sign, and `\r\n`. */
const HEADER_BYTES = 24;

/** `s.length` if `s` is short and ASCII, else -1. */
function asciiLength(s: string): number {
  const n = s.length;
  if (n > ASCII_PROBE) return -1;
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 127) return -1;
  return n;
}

function formatDouble(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (Object.is(d, -0)) return '-0';
  return String(d);
}

/**
 * Encodes replies for one connection into one growing buffer, so that a batch of pipelined
 * commands is answered with one socket write: call the reply methods, then {@link take}.
 * Set {@link protocol} to 3 after `HELLO 3`; RESP3-only types then use their own encodings
 * (`_`, `%`, `~`, `,`, `#`, `=`), and in RESP2 fall back as Redis does.
 *
 * Bytes handed out by {@link take} are never written again, so they may be written to the socket
 * while more replies are encoded.
 */
export class ReplyWriter {
  /** The protocol replies are encoded in. @default 2 */
  protocol: RespVersion;
  #buf: Buffer = EMPTY;
  #start = 0;
  #pos = 0;

  /** @param protocol @default 2 */
  constructor(protocol: RespVersion = 2) {
    this.protocol = protocol;
  }

  /** Bytes encoded and not yet taken. */
  get pendingBytes(): number {
    return this.#pos - this.#start;
  }

  /** Returns the bytes encoded since the last call (maybe empty), and starts afresh. */
  take(): Buffer {
    const out = this.#buf.subarray(this.#start, this.#pos);
    if (this.#buf.length > MAX_KEPT) {
      this.#buf = EMPTY;
      this.#pos = 0;
    }
    this.#start = this.#pos;
    return out;
  }

  /** `+<text>`: a status such as `OK` or `PONG`. `\r` and `\n` in `text` are sent as spaces. */
  simple(text: string): void {
    this.#line(43, text);
  }

  /**
   * `-<text>`: an error. Pass the whole text with its code, e.g. `ERR unknown command` or
   * `WRONGTYPE Operation against a key holding the wrong kind of value`. `\r` and `\n` in
   * `text` are sent as spaces, as Redis does. With `'latin1'`, each character (at most U+00FF)
   * is sent as one byte: for a text that echoes the client's bytes, decoded as latin1, so the
   * client gets them back as they were (as Redis echoes them).
   */
  error(text: string, encoding: 'utf8' | 'latin1' = 'utf8'): void {
    this.#line(45, text, encoding);
  }

  /**
   * `:<n>`: an integer.
   * @throws RespUsageError `RESP_INVALID_REPLY` if a number is not a safe integer (pass a bigint).
   */
  integer(n: number | bigint): void {
    if (typeof n === 'bigint') {
      this.#line(58, n.toString());
      return;
    }
    if (!Number.isSafeInteger(n)) {
      throw new RespUsageError(
        'RESP_INVALID_REPLY',
        `An integer reply must be a safe integer, got ${n}; pass a bigint for larger values.`,
      );
    }
    this.#header(58, n);
  }

  /** `$<len>\r\n<bytes>`: a bulk string; `null` is the null reply ({@link null}). */
  bulk(value: BulkValue): void {
    if (value === null) {
      this.null();
      return;
    }
    if (typeof value === 'string') {
      this.#stringBulk(36, value, '');
      return;
    }
    const n = value.length;
    this.#header(36, n);
    this.#reserve(n + 2);
    this.#buf.set(value, this.#pos);
    this.#pos += n;
    this.#crlf();
  }

  /** The null reply: `$-1` in RESP2, `_` in RESP3. */
  null(): void {
    if (this.protocol === 3) this.#raw95();
    else this.#header(36, -1);
  }

  /** The null array (e.g. `EXEC` aborted by `WATCH`): `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    if (this.protocol === 3) this.#raw95();
    else this.#header(42, -1);
  }

  /** `*<length>`: an array of `length` replies, which the caller writes next. */
  arrayHeader(length: number): void {
    this.#header(42, count(length));
  }

  /** An array of bulk strings; a `null` element is a null reply (as `MGET` answers a miss). */
  bulkArray(values: readonly BulkValue[]): void {
    this.#header(42, values.length);
    for (const value of values) this.bulk(value);
  }

  /**
   * A map of `pairs` key/value pairs, which the caller writes next, key then value:
   * `%<pairs>` in RESP3, an array of `2 * pairs` replies in RESP2.
   */
  mapHeader(pairs: number): void {
    if (this.protocol === 3) this.#header(37, count(pairs));
    else this.#header(42, count(pairs) * 2);
  }

  /** A set of `length` replies, which the caller writes next: `~<length>` in RESP3, else an array. */
  setHeader(length: number): void {
    this.#header(this.protocol === 3 ? 126 : 42, count(length));
  }

  /**
   * A double: `,<d>` in RESP3, a bulk string in RESP2. Written as JavaScript's shortest
   * round-trip form (`1.5`, `1e+21`), or `inf`, `-inf`, `nan`.
   */
  double(d: number): void {
    const text = formatDouble(d);
    if (this.protocol === 3) this.#line(44, text);
    else this.#stringBulk(36, text, '');
  }

  /** A boolean: `#t`/`#f` in RESP3, the integer 1/0 in RESP2. */
  boolean(b: boolean): void {
    if (this.protocol === 3) this.#line(35, b ? 't' : 'f');
    else this.#header(58, b ? 1 : 0);
  }

  /**
   * A verbatim string (as `INFO` answers): `=<len>\r\n<format>:<text>` in RESP3, a bulk string
   * of `text` in RESP2.
   * @param format three ASCII characters. @default 'txt'
   * @throws RespUsageError `RESP_INVALID_REPLY` if `format` is not three ASCII characters.
   */
  verbatim(text: string, format = 'txt'): void {
    if (asciiLength(format) !== 3) {
      throw new RespUsageError(
        'RESP_INVALID_REPLY',
        `A verbatim string's format must be three ASCII characters, got '${format}'.`,
      );
    }
    if (this.protocol === 3) this.#stringBulk(61, text, `${format}:`);
    else this.#stringBulk(36, text, '');
  }

  /** `<type><n>\r\n`. */
  #header(type: number, n: number): void {
    this.#reserve(HEADER_BYTES);
    const buf = this.#buf;
    let pos = this.#pos;
    buf[pos++] = type;
    if (n < 0) {
      buf[pos++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[pos++] = 48 + n;
    } else {
      let digits = 1;
      for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
      for (let i = pos + digits - 1; i >= pos; i--) {
        buf[i] = 48 + (n % 10);
        n = Math.floor(n / 10);
      }
      pos += digits;
    }
    buf[pos++] = 13;
    buf[pos++] = 10;
    this.#pos = pos;
  }

  /** `<type><text>\r\n`, with `\r` and `\n` of `text` as spaces. */
  #line(type: number, text: string, encoding: 'utf8' | 'latin1' = 'utf8'): void {
    const ascii = asciiLength(text);
    if (ascii === -1) {
      const safe = text.replace(/[\r\n]/g, ' ');
      const n = Buffer.byteLength(safe, encoding);
      this.#reserve(n + 3);
      this.#buf[this.#pos++] = type;
      this.#pos += this.#buf.write(safe, this.#pos, n, encoding);
    } else {
      this.#reserve(ascii + 3);
      const buf = this.#buf;
      let pos = this.#pos;
      buf[pos++] = type;
      for (let i = 0; i < ascii; i++) {
        const c = text.charCodeAt(i);
        buf[pos++] = c === 13 || c === 10 ? 32 : c;
      }
      this.#pos = pos;
    }
    this.#crlf();
  }

  /** `<type><len>\r\n<prefix><text>\r\n`, `text` in UTF-8, `prefix` ASCII. */
  #stringBulk(type: number, text: string, prefix: string): void {
    const ascii = asciiLength(text);
    const n = ascii === -1 ? Buffer.byteLength(text) : ascii;
    this.#header(type, prefix.length + n);
    this.#reserve(prefix.length + n + 2);
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < prefix.length; i++) buf[pos++] = prefix.charCodeAt(i);
    if (ascii === -1) {
      pos += buf.write(text, pos, n, 'utf8');
    } else {
      for (let i = 0; i < ascii; i++) buf[pos++] = text.charCodeAt(i);
    }
    this.#pos = pos;
    this.#crlf();
  }

  /** `_\r\n`. */
  #raw95(): void {
    this.#reserve(3);
    const buf = this.#buf;
    buf[this.#pos++] = 95;
    buf[this.#pos++] = 13;
    buf[this.#pos++] = 10;
  }

  #crlf(): void {
    this.#reserve(2);
    this.#buf[this.#pos++] = 13;
    this.#buf[this.#pos++] = 10;
  }

  /** Makes room for `n` more bytes: a new buffer, twice what is needed, with the untaken bytes. */
  #reserve(n: number): void {
    if (this.#buf.length - this.#pos >= n) return;
    const pending = this.#pos - this.#start;
    const grown = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, (pending + n) * 2));
    this.#buf.copy(grown, 0, this.#start, this.#pos);
    this.#buf = grown;
    this.#start = 0;
    this.#pos = pending;
  }
}

/** Checks an array, map or set length. */
function count(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RespUsageError(
      'RESP_INVALID_REPLY',
      `An aggregate length must be an integer >= 0, got ${n}; use nullArray() for a null array.`,
    );
  }
  return n;
}
