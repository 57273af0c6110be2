/** Stable codes of {@link JetStreamLogError}. */
export type JetStreamLogErrorCode =
  /** The options are invalid (the message names the option). */
  | 'JETSTREAM_INVALID_OPTIONS'
  /** No server of `servers` could be reached at open, or they run without JetStream (the message names them). */
  | 'JETSTREAM_UNREACHABLE'
  /**
   * The stream exists with settings the log cannot use (other subjects, or not a limits stream):
   * name another stream, or fix that one.
   */
  | 'JETSTREAM_STREAM_MISMATCH'
  /**
   * JetStream did not acknowledge the append (no quorum, a timeout, a refused publish): it may or
   * may not be in the stream; if it is, every node applies it when it reads it.
   */
  | 'JETSTREAM_PUBLISH_FAILED'
  /** The log stopped reading the stream (its consumer failed for good): writes are refused, reopen. */
  | 'JETSTREAM_FOLLOW_FAILED'
  /** The record's message is larger than the server's `max_payload`: nothing was sent. */
  | 'JETSTREAM_TOO_LARGE'
  /**
   * A message of the stream is not a Hermes record (foreign, or damaged): the message names its
   * sequence and why. The log stops there, it never skips it; remove or repair the message.
   */
  | 'JETSTREAM_BAD_MESSAGE'
  /**
   * The stream did not answer at open, or replay, `close()` or a compaction's snapshot did not
   * finish, within `timeoutMs`; or the read of a snapshot's object stopped before its end for a
   * reason other than a failed digest check (a dropped connection, a server going away).
   */
  | 'JETSTREAM_TIMEOUT'
  /**
   * A conditional write (`putIfAbsent`, `compareAndSet`, `update`) kept losing the race to other
   * nodes' writes: each time it checked, another record got in first, up to the bound. Nothing
   * was appended; retry later, or spread the writes to that key.
   */
  | 'JETSTREAM_CONFLICT'
  /**
   * JetStream acknowledged the append, but the stream later holds another message at its
   * sequence: the cluster lost an acknowledged write (see the README's durability section). It is
   * applied nowhere; write it again.
   */
  | 'JETSTREAM_ACK_LOST'
  /** The log was closed: open it again to append. */
  | 'JETSTREAM_CLOSED'
  /**
   * The newest snapshot (named by the stream's last marker) cannot be used: its object is missing
   * from the bucket or does not decode. The records it replaced are purged, so the log stops.
   */
  | 'JETSTREAM_BAD_SNAPSHOT'
  /**
   * Messages of the stream vanished without a snapshot that covers them (a retention limit or a
   * message deleted outside Hermes): the log stops rather than serve a state with a hole.
   */
  | 'JETSTREAM_GAP';

/** Every error the JetStream log raises itself; record-level refusals keep their `RecordError`. */
export class JetStreamLogError extends Error {
  /** Stable code to branch on. */
  readonly code: JetStreamLogErrorCode;

  /** Creates an error with a stable `code` and a message that says what to do. */
  constructor(code: JetStreamLogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JetStreamLogError';
    this.code = code;
  }
}

/**
 * `JETSTREAM_BAD_MESSAGE`: a stream message that does not decode as a Hermes record, with its
 * sequence and the reason.
 */
export class JetStreamBadMessageError extends JetStreamLogError {
  /** Stream sequence of the message. */
  readonly seq: number;
  /** Why it failed to decode (a `DecodeFailureReason` of `@hermes/record`, `not-a-line`, or `bad-marker`). */
  readonly reason: string;

  /** Creates the error for message `seq` of `stream`. */
  constructor(stream: string, seq: number, reason: string, detail: string) {
    super(
      'JETSTREAM_BAD_MESSAGE',
      `Message ${seq} of stream ${stream} is not a Hermes record (${reason}: ${detail}); the log stops there rather than skip it. Delete that message from the stream (its message-delete API) and reopen.`,
    );
    this.name = 'JetStreamBadMessageError';
    this.seq = seq;
    this.reason = reason;
  }
}
