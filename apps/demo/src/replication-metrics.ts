import { Gauge, type Registry } from 'prom-client';
import type { ReplicationState } from './replication.js';

/**
 * Registers the replication gauges in `registry`, each read from `read()` at scrape time:
 * `hermes_replication_applied_seq`, `hermes_replication_behind_records`,
 * `hermes_replication_behind_seconds` and `hermes_replication_last_heard_seconds`. Only a
 * replica registers them: on a local log they would read 0, which looks like "caught up".
 */
export function registerReplicationGauges(
  registry: Registry,
  read: () => ReplicationState | undefined,
): void {
  const gauge = (name: string, help: string, value: (s: ReplicationState) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const state = read();
        if (state !== undefined) this.set(value(state));
      },
    });
  };
  gauge(
    'hermes_replication_applied_seq',
    'Sequence of the last stream message applied on this replica',
    (s) => s.appliedSeq,
  );
  gauge(
    'hermes_replication_behind_records',
    'Messages the stream held past the last one applied here, as of its delivery',
    (s) => s.behindRecords,
  );
  gauge(
    'hermes_replication_behind_seconds',
    'While behind: how long ago the last message applied here was stored (0 when caught up)',
    (s) => s.behindMs / 1000,
  );
  gauge(
    'hermes_replication_last_heard_seconds',
    'Time since the stream last told this replica anything (a message or a heartbeat, every 2 s)',
    (s) => s.lastHeardMs / 1000,
  );
}
