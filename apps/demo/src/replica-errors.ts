/**
 * What a write's failure on a replicated log (`@hermes/wal-jetstream`'s codes) means to a client,
 * decided once for the HTTP and the Redis fronts:
 * - `unacknowledged`: the cluster did not acknowledge it in time; its outcome is unknown.
 * - `conflict`: a conditional write kept losing to other replicas' writes; nothing was written.
 * - `too-large`: the record is over the cluster's `max_payload`; nothing was sent.
 */
export type ReplicaFailure = 'unacknowledged' | 'conflict' | 'too-large';

const FAILURES: Readonly<Record<string, ReplicaFailure>> = {
  JETSTREAM_PUBLISH_FAILED: 'unacknowledged',
  JETSTREAM_TIMEOUT: 'unacknowledged',
  JETSTREAM_CONFLICT: 'conflict',
  JETSTREAM_TOO_LARGE: 'too-large',
};

/** The kind of replicated-log failure `error` is, or `undefined` for any other error. */
export function replicaFailure(error: unknown): ReplicaFailure | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? FAILURES[code] : undefined;
}
