/** One mutation of one key. */
export type Op =
  | { readonly type: 'set'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: string };

/**
 * The removal of every key in a range, as one record (version 2 files only; see FORMAT.md). The
 * bounds compare keys by their UTF-8 bytes; a missing bound leaves that side open, so a clear
 * without bounds removes every key. At most one lower bound (`gt` or `gte`) and one upper bound
 * (`lt` or `lte`). A clear never sits inside a batch.
 */
export interface ClearRecord {
  readonly type: 'clear';
  /** Only keys after this one. Not together with `gte`. */
  readonly gt?: string;
  /** Only keys from this one on. Not together with `gt`. */
  readonly gte?: string;
  /** Only keys before this one. Not together with `lte`. */
  readonly lt?: string;
  /** Only keys up to this one. Not together with `lt`. */
  readonly lte?: string;
}

/**
 * What one log line holds: a single mutation, an atomic batch of them (applied whole or not at
 * all), or the clear of a key range.
 */
export type LogRecord = Op | { readonly type: 'batch'; readonly ops: readonly Op[] } | ClearRecord;

/** Size limits enforced by the encoder (typed error) and the decoder (`too-large`). */
export interface RecordLimits {
  /** Largest key, in UTF-8 bytes. @default 4096 */
  readonly maxKeyBytes: number;
  /** Largest value, in bytes. @default 16 MiB */
  readonly maxValueBytes: number;
  /** Most operations in one batch. @default 10_000 */
  readonly maxBatchOps: number;
  /** Longest encoded line, in bytes, newline included; bounds the splitter's memory. @default 64 MiB */
  readonly maxLineBytes: number;
}

/** Stable codes of {@link RecordError}, thrown by the encoder for input it refuses to store. */
export type RecordErrorCode =
  | 'RECORD_KEY_NOT_WELL_FORMED'
  | 'RECORD_KEY_TOO_LARGE'
  | 'RECORD_VALUE_TOO_LARGE'
  | 'RECORD_BATCH_EMPTY'
  | 'RECORD_BATCH_TOO_LARGE'
  | 'RECORD_LINE_TOO_LARGE'
  | 'RECORD_INVALID'
  | 'RECORD_INVALID_LIMITS'
  | 'RECORD_BUFFER_TOO_SMALL';

/** Why a line failed to decode; every malformed input maps to exactly one of these. */
export type DecodeFailureReason =
  | 'truncated'
  | 'checksum'
  | 'unknown-op'
  | 'bad-base64'
  | 'bad-key'
  | 'bad-batch'
  | 'bad-clear'
  | 'too-large'
  | 'bad-header'
  | 'malformed';

/** A decoded record with where its line sits in the file. */
export interface DecodedRecord {
  readonly ok: true;
  readonly record: LogRecord;
  /** Byte offset of the line's first byte in the stream. */
  readonly offset: number;
  /** Bytes the line takes, newline included. */
  readonly length: number;
}

/** A line that could not be decoded, with the reason and where it starts. */
export interface DecodeFailure {
  readonly ok: false;
  readonly reason: DecodeFailureReason;
  /** Byte offset of the damaged line's first byte in the stream. */
  readonly offset: number;
  /** Bytes the damaged line takes (up to the end of the data when it has no newline). */
  readonly length: number;
  /** What is wrong, for a person. */
  readonly message: string;
}

/** The outcome of decoding one line. */
export type DecodeResult = DecodedRecord | DecodeFailure;
