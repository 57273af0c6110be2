/**
 * Why a client's bytes were refused. Each code has one fixed reply text (see `PROTOCOL.md`):
 *
 * - `RESP_INVALID_MULTIBULK_LENGTH`: `*<n>` is not an integer, is below -1, or is over
 *   `maxArrayLength`.
 * - `RESP_INVALID_BULK_LENGTH`: `$<n>` is not an integer, is negative, or is over `maxBulkBytes`.
 * - `RESP_EXPECTED_BULK`: an argument of a multibulk request does not start with `$`.
 * - `RESP_BULK_NOT_TERMINATED`: the bytes after an argument's data are not `\r\n`.
 * - `RESP_COMMAND_TOO_BIG`: the arguments of one command add up to more than `maxCommandBytes`.
 * - `RESP_INLINE_TOO_BIG`: an inline line is longer than `maxInlineBytes`.
 * - `RESP_MBULK_COUNT_TOO_BIG`: a `*` line is longer than `maxInlineBytes`.
 * - `RESP_BULK_COUNT_TOO_BIG`: a `$` line is longer than `maxInlineBytes`.
 * - `RESP_UNBALANCED_QUOTES`: an inline line has an unclosed quote, or a closing quote followed
 *   by something other than a space.
 */
export type RespProtocolErrorCode =
  | 'RESP_INVALID_MULTIBULK_LENGTH'
  | 'RESP_INVALID_BULK_LENGTH'
  | 'RESP_EXPECTED_BULK'
  | 'RESP_BULK_NOT_TERMINATED'
  | 'RESP_COMMAND_TOO_BIG'
  | 'RESP_INLINE_TOO_BIG'
  | 'RESP_MBULK_COUNT_TOO_BIG'
  | 'RESP_BULK_COUNT_TOO_BIG'
  | 'RESP_UNBALANCED_QUOTES';

const TEXTS: Readonly<Record<Exclude<RespProtocolErrorCode, 'RESP_EXPECTED_BULK'>, string>> = {
  RESP_INVALID_MULTIBULK_LENGTH: 'ERR Protocol error: invalid multibulk length',
  RESP_INVALID_BULK_LENGTH: 'ERR Protocol error: invalid bulk length',
  RESP_BULK_NOT_TERMINATED: 'ERR Protocol error: expected CRLF after bulk data',
  RESP_COMMAND_TOO_BIG: 'ERR Protocol error: too big command',
  RESP_INLINE_TOO_BIG: 'ERR Protocol error: too big inline request',
  RESP_MBULK_COUNT_TOO_BIG: 'ERR Protocol error: too big mbulk count string',
  RESP_BULK_COUNT_TOO_BIG: 'ERR Protocol error: too big bulk count string',
  RESP_UNBALANCED_QUOTES: 'ERR Protocol error: unbalanced quotes in request',
};

/**
 * Thrown by `RequestParser.next()` for bytes that are not a request Redis would accept.
 * The message is the exact error line to send (without the leading `-`), e.g.
 * `ERR Protocol error: invalid bulk length`; it never holds `\r` or `\n`. Send it, then close the
 * connection, as Redis does: the parser does not resynchronise. Branch on {@link code}.
 */
export class RespProtocolError extends Error {
  /** Stable code to branch on. */
  readonly code: RespProtocolErrorCode;

  constructor(code: RespProtocolErrorCode, message: string) {
    super(message);
    this.name = 'RespProtocolError';
    this.code = code;
  }
}

/**
 * Builds the error for `code` with its fixed text. For `RESP_EXPECTED_BULK`, `got` is the byte
 * found instead of `$`; it is shown as a Latin-1 character, and `\r` or `\n` as a space, as Redis
 * shows it.
 */
export function protocolError(code: RespProtocolErrorCode, got = 0): RespProtocolError {
  if (code === 'RESP_EXPECTED_BULK') {
    const shown = got === 13 || got === 10 ? ' ' : String.fromCharCode(got);
    return new RespProtocolError(code, `ERR Protocol error: expected '$', got '${shown}'`);
  }
  return new RespProtocolError(code, TEXTS[code]);
}

/** Codes of {@link RespUsageError}: a bad limit, or a reply the writer cannot encode. */
export type RespUsageErrorCode = 'RESP_INVALID_LIMITS' | 'RESP_INVALID_REPLY';

/**
 * Thrown for a programming mistake on our side, never for client bytes: a limit that is not a
 * non-negative safe integer (`RESP_INVALID_LIMITS`), or a reply value the writer cannot encode
 * (`RESP_INVALID_REPLY`, e.g. an integer that is not a safe integer: pass a bigint).
 */
export class RespUsageError extends Error {
  /** Stable code to branch on. */
  readonly code: RespUsageErrorCode;

  constructor(code: RespUsageErrorCode, message: string) {
    super(message);
    this.name = 'RespUsageError';
    this.code = code;
  }
}
