import type { OpenReport } from '@hermes/wal';
import type { ServiceConfig } from './config.js';

/**
 * The one line printed at start-up: where to reach the service, where its data is, the sync
 * policy, the store, and what replay did (a torn tail cut, damaged records skipped under
 * `--recovery salvage` and where their bytes are). On a replicated log it names the servers and
 * the stream instead of a folder, and says that `--data-dir` and `--sync` do not apply. Tests read
 * the URL from it (`http://host:port`), and the Redis front's (`redis://host:port`) when there is one.
 */
export function startupLine(
  url: string,
  respUrl: string | undefined,
  config: ServiceConfig,
  report: OpenReport,
): string {
  const store = config.store === 'sharded' ? `sharded(${config.shards})` : 'locked';
  const front = `hermes listening on ${url}${respUrl === undefined ? '' : ` | resp ${respUrl}`}`;
  if (config.log.kind === 'nats') {
    return (
      `${front} | log ${config.log.servers.join(',')} stream ${config.log.stream} (replicated; --data-dir not used) | ` +
      `sync quorum (JetStream acknowledges a write once a quorum of the stream's replicas stored it; --sync does not apply) | store ${store} | ` +
      `replayed ${report.records} record${report.records === 1 ? '' : 's'} of the stream in ${report.durationMs.toFixed(0)} ms`
    );
  }
  const tail = report.tornTail
    ? `torn tail cut (${report.tornTail.bytes} bytes at offset ${report.tornTail.offset} of ${report.tornTail.file}, kept in ${report.tornTail.brokenFile})`
    : 'no torn tail';
  const from = report.fromSnapshot ? ' from a snapshot' : '';
  const dir = config.dataDir;
  const skipped =
    report.skipped > 0
      ? `, ${report.skipped} damaged record${report.skipped === 1 ? '' : 's'} skipped ` +
        `(--recovery salvage: their records are lost, their bytes stay in place in the log files ` +
        `of ${dir}; \`hermes-wal verify ${dir}\` lists them, and \`hermes-wal salvage ${dir}\`, ` +
        'run while the service is stopped, moves them to .salvaged files)'
      : '';
  return (
    `${front} | data ${config.dataDir} | sync ${config.sync.label} | store ${store} | ` +
    `replayed ${report.records} record${report.records === 1 ? '' : 's'} (${formatBytes(report.bytes)}, ${report.segments} segment${report.segments === 1 ? '' : 's'}${from}) ` +
    `in ${report.durationMs.toFixed(0)} ms, ${tail}${skipped}`
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
