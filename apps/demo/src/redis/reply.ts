import type { BulkValue, ReplyWriter } from '../resp/index.js';

/**
 * One reply, as the function that encodes it: replies are computed when a command runs and
 * encoded in order when their turn comes, in the protocol (RESP2 or RESP3) in force then.
 */
export type Reply = (writer: ReplyWriter) => void;

/** `+OK`. */
export const OK: Reply = (w) => w.simple('OK');
/** `+QUEUED`, the answer to a command queued inside `MULTI`. */
export const QUEUED: Reply = (w) => w.simple('QUEUED');
/** The null bulk string (`$-1`, or `_` in RESP3). */
export const NULL: Reply = (w) => w.null();
/** The null array (`*-1`, or `_` in RESP3): what an aborted `EXEC` answers. */
export const NULL_ARRAY: Reply = (w) => w.nullArray();

/** A simple string. */
export function simple(text: string): Reply {
  return (w) => w.simple(text);
}

/**
 * An error reply; `text` starts with its code (`ERR`, `WRONGTYPE`, ...). `'latin1'` sends each
 * character as one byte, for a text that echoes the client's bytes (see `ReplyWriter.error`).
 */
export function errorReply(text: string, encoding: 'utf8' | 'latin1' = 'utf8'): Reply {
  return (w) => w.error(text, encoding);
}

/** An integer. */
export function integer(n: number | bigint): Reply {
  return (w) => w.integer(n);
}

/** A bulk string, or the null bulk string for `null`/`undefined`. */
export function bulk(value: BulkValue | undefined): Reply {
  if (value === undefined || value === null) return NULL;
  return (w) => w.bulk(value);
}

/** An array of replies. */
export function array(items: readonly Reply[]): Reply {
  return (w) => {
    w.arrayHeader(items.length);
    for (const item of items) item(w);
  };
}

/** An array of bulk strings (null where `undefined`). */
export function bulkArray(values: readonly (BulkValue | undefined)[]): Reply {
  return (w) => {
    w.arrayHeader(values.length);
    for (const v of values) w.bulk(v ?? null);
  };
}

/** A map (RESP3), or the flat array of its pairs (RESP2). */
export function map(pairs: readonly (readonly [string, Reply])[]): Reply {
  return (w) => {
    w.mapHeader(pairs.length);
    for (const [key, value] of pairs) {
      w.bulk(key);
      value(w);
    }
  };
}

/** A long text: a verbatim string in RESP3 (as Redis answers `INFO`), a bulk string in RESP2. */
export function verbatim(text: string): Reply {
  return (w) => w.verbatim(text);
}
