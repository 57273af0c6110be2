import { SILENCE_MS } from '@hermes/wal-jetstream';

/** Where a replica is in its stream, as `/healthz` shows it (`stats()` of a JetStream log). */
export interface ReplicationState {
  readonly kind: 'nats';
  /** The stream the replica follows. */
  readonly stream: string;
  /** Sequence of the last stream message applied here (0 before the first). */
  readonly appliedSeq: number;
  /** Messages the stream held past the last one applied here, when it was delivered. */
  readonly behindRecords: number;
  /** While behind: how long ago the last message applied here was stored (ms); else 0. */
  readonly behindMs: number;
  /** Milliseconds since the stream last told this replica anything (a message or a heartbeat). */
  readonly lastHeardMs: number;
}

/**
 * Silence of the stream after which `/healthz` calls the cluster unreachable: three times the
 * log's `SILENCE_MS`, so that the log has restarted its consumer at least twice in vain.
 */
export const UNREACHABLE_AFTER_MS: number = 3 * SILENCE_MS;

/**
 * The replication fields of a store's `stats()`, or `undefined` on a local log (whose stats have
 * no `stream`).
 */
export function replicationOf(stats: object | undefined): ReplicationState | undefined {
  const s = stats as Partial<Record<keyof ReplicationState, unknown>> | undefined;
  if (typeof s?.stream !== 'string' || typeof s.appliedSeq !== 'number') return undefined;
  return {
    kind: 'nats',
    stream: s.stream,
    appliedSeq: s.appliedSeq,
    behindRecords: Number(s.behindRecords ?? 0),
    behindMs: Math.round(Number(s.behindMs ?? 0)),
    lastHeardMs: Math.round(Number(s.lastHeardMs ?? 0)),
  };
}

/** Whether a replica still hears from its cluster: not once it was silent past `boundMs`. */
export function reachable(
  state: ReplicationState,
  boundMs: number = UNREACHABLE_AFTER_MS,
): boolean {
  return state.lastHeardMs <= boundMs;
}
