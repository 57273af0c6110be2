/**
 * Stable error codes of the HTTP API, sent as `{ "error": "<code>", "message": "..." }`.
 *
 * - `BAD_KEY` (400): the key is not valid percent-encoding or not valid UTF-8 (the empty key `''` is a key: `/kv/`).
 * - `KEY_TOO_LARGE` (400): the key is longer than the key limit, in UTF-8 bytes.
 * - `BAD_BODY` (400): the request body is not what the route takes (e.g. `/batch` JSON; an operation with the old `op` field instead of `type`).
 * - `BAD_QUERY` (400): an unknown, repeated or out-of-range query parameter.
 * - `BAD_PRECONDITION` (400): a conditional header the service does not support.
 * - `NOT_FOUND` (404): no value under that key.
 * - `ROUTE_NOT_FOUND` (404): no such route.
 * - `METHOD_NOT_ALLOWED` (405): the route exists, not with that method (see `Allow`).
 * - `KEY_EXISTS` (412): `If-None-Match: *` and the key is present.
 * - `WRITE_CONFLICT` (409): on a replicated log, a conditional write kept losing the race to
 *   other replicas' writes; nothing was written, retry.
 * - `VALUE_TOO_LARGE` (413): a value (or a body) over the limit, or a record over a replicated
 *   log's `max_payload`.
 * - `BATCH_TOO_LARGE` (413): a batch with too many operations or bytes.
 * - `LOG_POISONED` (503): a write or fsync of the log failed; writes are refused, reads served.
 * - `LOG_UNREACHABLE` (503): a replica cannot reach its NATS cluster (no word from it for a
 *   while, or a write it did not acknowledge in time); reads are served, maybe stale.
 * - `BAD_REQUEST` (400): Node could not read the request as HTTP (e.g. a raw space in the path).
 * - `HEADERS_TOO_LARGE` (431): the URL or the headers are over Node's 16 KiB limit.
 * - `UNAUTHORIZED` (401): the service has a token and the request did not carry it.
 * - `ADMIN_LOOPBACK_ONLY` (403): an admin route was asked from another machine.
 * - `BACKUP_DISABLED` (403): `POST /admin/backup` on a service started without `--backup-dir`.
 * - `BACKUP_EXISTS` (409): a backup of that name exists already; it is never overwritten.
 * - `BACKUP_FAILED` (500): the backup could not be written (space, permissions); nothing left.
 * - `SHUTTING_DOWN` (503): the service is stopping; retry against the next instance.
 * - `INTERNAL` (500): a bug; the server's stderr has the details.
 */
export type HttpErrorCode =
  | 'BAD_KEY'
  | 'KEY_TOO_LARGE'
  | 'BAD_BODY'
  | 'BAD_QUERY'
  | 'BAD_PRECONDITION'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'KEY_EXISTS'
  | 'WRITE_CONFLICT'
  | 'VALUE_TOO_LARGE'
  | 'BATCH_TOO_LARGE'
  | 'LOG_POISONED'
  | 'LOG_UNREACHABLE'
  | 'SHUTTING_DOWN'
  | 'UNAUTHORIZED'
  | 'ADMIN_LOOPBACK_ONLY'
  | 'BACKUP_DISABLED'
  | 'BACKUP_EXISTS'
  | 'BACKUP_FAILED'
  | 'BAD_REQUEST'
  | 'HEADERS_TOO_LARGE'
  | 'INTERNAL';

/** The JSON body of every error response. */
export interface ErrorBody {
  /** Stable code to branch on. */
  readonly error: HttpErrorCode;
  /** What went wrong and what to do, for a person. */
  readonly message: string;
}

/** An error a route answers with: its HTTP status, stable code and message. */
export class HttpError extends Error {
  /** HTTP status code sent. */
  readonly status: number;
  /** Stable code sent as `error`. */
  readonly code: HttpErrorCode;
  /** Extra response headers (e.g. `Allow` for 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: HttpErrorCode,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = options?.headers ?? {};
  }

  /** The JSON body for this error. */
  body(): ErrorBody {
    return { error: this.code, message: this.message };
  }
}
