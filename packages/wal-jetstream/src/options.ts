import type { RecordLimits } from '@hermes/record';
import type { StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection, NodeConnectionOptions } from '@nats-io/transport-node';

/** Options of {@link openJetStreamLog}. */
export interface JetStreamLogOptions {
  /** Server URLs (`nats://host:port`), one or several; ignored when `connection` is given. */
  readonly servers?: string | readonly string[];
  /**
   * An open connection to use instead of one of the log's own; the log never closes it.
   * With it, `servers` and `connectOptions` are ignored.
   */
  readonly connection?: NatsConnection;
  /**
   * More options for the log's own connection (`user`, `pass`, `tls`, ...). The log sets
   * `noAsyncTraces: true` unless given here: the client otherwise builds two `Error` objects per
   * publish, about a third of a writing node's CPU. A `connection` of the caller's is used as it
   * is (open it with `noAsyncTraces: true` for the same speed). @default {}
   */
  readonly connectOptions?: Partial<NodeConnectionOptions>;
  /** The stream's name (created if missing). @default 'hermes' */
  readonly stream?: string;
  /** Subjects the log owns: `<prefix>.>` are the stream's subjects; records go to `<prefix>.log`. @default `hermes.<stream>` */
  readonly subjectPrefix?: string;
  /** Replicas of a stream the log creates (a quorum of them holds every acknowledged record). @default 3 */
  readonly replicas?: number;
  /**
   * More settings for a stream the log creates (e.g. `max_bytes`, `duplicate_window`); a stream
   * that already exists is used as it is. Server-wide settings such as `sync_interval` belong in
   * the server's configuration.
   * @default {}
   */
  readonly streamConfig?: Partial<StreamConfig>;
  /** How long an append waits for JetStream's acknowledgement. @default 10000 */
  readonly ackTimeoutMs?: number;
  /** Bound on replay at open and on `close()` draining appends in flight. @default 30000 */
  readonly timeoutMs?: number;
  /** Most appends waiting for their acknowledgement before `append` waits (backpressure). @default 65536 */
  readonly maxInFlight?: number;
  /** Codec limits. @default DEFAULT_LIMITS of @hermes/record */
  readonly limits?: Partial<RecordLimits>;
}
