import os from 'node:os';
import type { DurableStore } from '@hermes/wal-store';
import type { LogActivity } from '../log-activity.js';
import { REDIS_COMPAT_VERSION } from './commands/server.js';

/** Where `INFO`'s numbers come from. */
export interface InfoSources {
  readonly store: DurableStore;
  /** The `--sync` policy as given (`always`, `everysec`, `250ms`). */
  readonly syncLabel: string;
  readonly port: () => number;
  readonly startedAt: number;
  readonly activity: () => LogActivity;
  readonly clients: () => number;
  readonly connectionsReceived: () => number;
  readonly commandsProcessed: () => number;
}

const DEFAULT_SECTIONS = ['server', 'clients', 'persistence', 'stats', 'replication', 'keyspace'];

/**
 * The `INFO` text, in Redis's format (`# Section` then `field:value` lines, CRLF), for the named
 * sections (`default`, `all` or `everything` for all of them). `persistence` tells Hermes' own
 * facts beside Redis's fields: the sync policy, the fsync lag, the last fsync and group commit
 * sizes.
 */
export function infoText(sources: InfoSources, sections: readonly string[]): string {
  const wanted =
    sections.length === 0 || sections.some((s) => ['default', 'all', 'everything'].includes(s))
      ? DEFAULT_SECTIONS
      : DEFAULT_SECTIONS.filter((s) => sections.includes(s));
  const parts: string[] = [];
  for (const section of wanted) {
    const fields = SECTIONS[section]!(sources);
    parts.push(
      `# ${section[0]!.toUpperCase()}${section.slice(1)}\r\n${fields.map(([k, v]) => `${k}:${v}\r\n`).join('')}`,
    );
  }
  return parts.join('\r\n');
}

type Fields = [string, string | number][];

const SECTIONS: Record<string, (s: InfoSources) => Fields> = {
  server: (s) => {
    const uptime = Math.floor((Date.now() - s.startedAt) / 1000);
    return [
      ['redis_version', REDIS_COMPAT_VERSION],
      ['hermes', 'yes'],
      ['redis_mode', 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.arch()}`],
      ['arch_bits', 64],
      ['process_id', process.pid],
      ['tcp_port', s.port()],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
    ];
  },
  clients: (s) => [['connected_clients', s.clients()]],
  persistence: (s) => {
    const stats = s.store.stats();
    const activity = s.activity();
    return [
      ['loading', 0],
      ['aof_enabled', 1],
      ['aof_rewrite_in_progress', stats.compacting ? 1 : 0],
      ['aof_last_write_status', stats.poisoned === null ? 'ok' : 'err'],
      ['hermes_sync_policy', s.syncLabel],
      ['hermes_fsync_lag_ms', stats.fsyncLagMs],
      ['hermes_fsyncs', stats.fsyncs],
      [
        'hermes_last_fsync_ms_ago',
        activity.lastFsyncAt === undefined ? -1 : Date.now() - activity.lastFsyncAt,
      ],
      ['hermes_last_fsync_duration_ms', activity.lastFsyncMs.toFixed(3)],
      ['hermes_appends', stats.appends],
      ['hermes_group_commits', stats.commits],
      [
        'hermes_group_commit_avg_records',
        stats.commits === 0 ? 0 : (stats.appends / stats.commits).toFixed(2),
      ],
      ['hermes_group_commit_last_records', activity.lastGroupRecords],
      ['hermes_group_commit_max_records', activity.maxGroupRecords],
      ['hermes_log_bytes', stats.logBytes],
      ['hermes_compactions', stats.compactions],
    ];
  },
  stats: (s) => [
    ['total_connections_received', s.connectionsReceived()],
    ['total_commands_processed', s.commandsProcessed()],
  ],
  replication: () => [
    ['role', 'master'],
    ['connected_slaves', 0],
  ],
  keyspace: (s) =>
    s.store.size === 0 ? [] : [['db0', `keys=${s.store.size},expires=0,avg_ttl=0`]],
};
