import {
  BAD_KEY_CODES,
  CLOSED_CODES,
  isCode,
  LOG_FAILED_CODES,
  TOO_LARGE_CODES,
} from './error-codes.js';
import { HttpError } from './http-error.js';
import { type ReplicaFailure, replicaFailure } from './replica-errors.js';
import { type ServedStore, writeHealth } from './served-store.js';

/**
 * The code to answer a failed write by: for a `StoreError` refusing input over one of the log
 * codec's limits (a key over `maxKeyBytes`, a value over `maxValueBytes`, ...), the codec's
 * `RECORD_*` code it carries as `cause`, which says which limit; otherwise the error's own code.
 */
export function answerCodeOf(error: unknown): string | undefined {
  const code = codeOf(error);
  if (code === undefined || !code.startsWith('STORE_INVALID_')) return code;
  const limit = codeOf((error as { cause?: unknown }).cause);
  return limit?.startsWith('RECORD_') === true ? limit : code;
}

/**
 * Turns an error a store write rejected with into the response to send: the log's failures are
 * 503 `LOG_POISONED` (reads still work), a closed store is 503 `SHUTTING_DOWN`, the codec's
 * refusals are 400/413; on a replicated log, a write its cluster did not acknowledge is 503
 * `LOG_UNREACHABLE`, a conditional write that kept losing to other replicas 409
 * `WRITE_CONFLICT`, a record over the cluster's `max_payload` 413 `VALUE_TOO_LARGE`; anything
 * else is 500 `INTERNAL`.
 */
export function storeErrorToHttp(error: unknown, store: ServedStore): HttpError {
  if (error instanceof HttpError) return error;
  const code = answerCodeOf(error);
  if (code !== undefined && LOG_FAILED_CODES.has(code)) return poisoned(error, messageOf(error));
  const health = writeHealth(store);
  if (!health.ok) return poisoned(error, health.reason);
  const replica = replicaFailure(error);
  if (replica !== undefined) return replicaError(replica, error);
  if (code !== undefined && CLOSED_CODES.has(code)) {
    return new HttpError(503, 'SHUTTING_DOWN', 'The service is shutting down; retry shortly.', {
      cause: error,
    });
  }
  if (isCode(code, 'RECORD_KEY_TOO_LARGE'))
    return new HttpError(400, 'KEY_TOO_LARGE', messageOf(error), { cause: error });
  if (code !== undefined && BAD_KEY_CODES.has(code))
    return new HttpError(400, 'BAD_KEY', messageOf(error), { cause: error });
  if (code !== undefined && TOO_LARGE_CODES.has(code)) {
    return new HttpError(
      413,
      isCode(code, 'RECORD_VALUE_TOO_LARGE') ? 'VALUE_TOO_LARGE' : 'BATCH_TOO_LARGE',
      messageOf(error),
      {
        cause: error,
      },
    );
  }
  return new HttpError(
    500,
    'INTERNAL',
    'The write failed unexpectedly; the server log has the details.',
    {
      cause: error,
    },
  );
}

/** The answer to a write that failed on a replicated log, by what the failure means. */
function replicaError(failure: ReplicaFailure, error: unknown): HttpError {
  const message = messageOf(error);
  switch (failure) {
    case 'unacknowledged':
      return new HttpError(
        503,
        'LOG_UNREACHABLE',
        `The NATS cluster did not acknowledge the write: ${message} Its outcome is unknown: read the key back before retrying a write that is not idempotent.`,
        { cause: error },
      );
    case 'conflict':
      return new HttpError(409, 'WRITE_CONFLICT', message, { cause: error });
    case 'too-large':
      return new HttpError(413, 'VALUE_TOO_LARGE', message, { cause: error });
  }
}

/** The 503 for a poisoned log. */
export function poisoned(cause: unknown, reason: string): HttpError {
  return new HttpError(
    503,
    'LOG_POISONED',
    `Writes are refused because the log failed (${reason}); reads still work. Fix the disk and restart the service.`,
    { cause },
  );
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
