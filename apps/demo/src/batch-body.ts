import type { BatchOp } from '@hermes/store';
import { HttpError } from './http-error.js';
import { checkKey, type KeyLimits } from './keys.js';

/** Limits a `POST /batch` body must meet. */
export interface BatchLimits extends KeyLimits {
  /** Largest value, in bytes (after base64 decoding). */
  readonly maxValueBytes: number;
  /** Most operations in one batch. @default 10_000 */
  readonly maxBatchOps: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Parses a `POST /batch` body: a JSON array of `{ "type": "set", "key": "k", "value": "<base64>" }`
 * and `{ "type": "delete", "key": "k" }`, the library's `BatchOp` vocabulary (the field is
 * `type`, as in `store.batch()` and in the change feed's `batch` event). Throws `HttpError`
 * `BAD_BODY` (400) for anything else (naming the bad element; an item with the old `op` field is
 * told the field is now `type`), `BAD_KEY`/`KEY_TOO_LARGE` (400) for a bad key, `VALUE_TOO_LARGE`
 * (413) for a value over the limit and `BATCH_TOO_LARGE` (413) for too many operations.
 */
export function parseBatch(body: Uint8Array | undefined, limits: BatchLimits): BatchOp[] {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body ?? new Uint8Array()).toString('utf8'));
  } catch (cause) {
    throw new HttpError(
      400,
      'BAD_BODY',
      'The body is not JSON: send a JSON array like [{"type":"set","key":"k","value":"aGk="},{"type":"delete","key":"old"}].',
      { cause },
    );
  }
  if (!Array.isArray(json)) {
    throw new HttpError(400, 'BAD_BODY', 'The body must be a JSON array of operations.');
  }
  if (json.length > limits.maxBatchOps) {
    throw new HttpError(
      413,
      'BATCH_TOO_LARGE',
      `The batch has ${json.length} operations; the limit is ${limits.maxBatchOps}. Split it.`,
    );
  }
  return json.map((item, i) => parseOp(item, i, limits));
}

function parseOp(item: unknown, i: number, limits: BatchLimits): BatchOp {
  const at = `Operation ${i}`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new HttpError(400, 'BAD_BODY', `${at} is not an object.`);
  }
  const { type, key, value, ...rest } = item as Record<string, unknown>;
  if (Object.hasOwn(rest, 'op')) {
    throw new HttpError(
      400,
      'BAD_BODY',
      `${at} uses "op"; the field is now "type", as in the library's batch ops: send {"type":"set","key":...,"value":...} or {"type":"delete","key":...}.`,
    );
  }
  const extra = Object.keys(rest);
  if (extra.length > 0) {
    throw new HttpError(
      400,
      'BAD_BODY',
      `${at} has unknown field "${extra[0]}"; use type, key and value.`,
    );
  }
  if (typeof key !== 'string')
    throw new HttpError(400, 'BAD_KEY', `${at} needs "key" as a string.`);
  checkKey(key, limits, `${at}'s key`);
  if (type === 'delete') {
    if (value !== undefined)
      throw new HttpError(400, 'BAD_BODY', `${at} is a delete; drop its "value".`);
    return { type: 'delete', key };
  }
  if (type !== 'set') {
    throw new HttpError(
      400,
      'BAD_BODY',
      `${at} has "type" ${JSON.stringify(type)}; use "set" or "delete".`,
    );
  }
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new HttpError(
      400,
      'BAD_BODY',
      `${at} needs "value" as standard padded base64 (e.g. Buffer.from(bytes).toString('base64')).`,
    );
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length > limits.maxValueBytes) {
    throw new HttpError(
      413,
      'VALUE_TOO_LARGE',
      `${at}'s value is ${bytes.length} bytes; the limit is ${limits.maxValueBytes}.`,
    );
  }
  return { type: 'set', key, value: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
}
