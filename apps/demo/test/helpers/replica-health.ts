/** Where a replica is in its stream, as `/healthz` shows it under `log`. */
export interface LogHealth {
  readonly stream: string;
  readonly appliedSeq: number;
  readonly behindRecords: number;
  readonly behindMs: number;
  readonly lastHeardMs: unknown;
}

/** The `/healthz` body of a healthy replica holding `keys` keys (`lastHeardMs` may be a matcher). */
export function replicaHealth(keys: number, log: LogHealth): object {
  return { status: 'ok', keys, log: { kind: 'nats', ...log } };
}
