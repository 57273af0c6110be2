import { ConfigError } from './parse-values.js';

/** Which log the durable store writes to (`--log`): the data folder's, or a JetStream stream. */
export type LogSetting =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'nats';
      /** The cluster's client URLs, as given (`nats://host:port`). */
      readonly servers: readonly string[];
      /** The stream every replica follows (`--stream`). */
      readonly stream: string;
    };

/** Stream names JetStream and `@hermes/wal-jetstream` accept. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Parses `--log` (`local`, or `nats://host:port[,nats://host:port...]`) and `--stream` (a
 * JetStream stream name, used only with nats). `logName` and `streamName` are what the user set
 * (the flag or its `HERMES_*` variable), named in the `ConfigError`; `streamGiven` says whether
 * the stream was set explicitly, which is refused with `local`.
 */
export function parseLog(
  raw: string,
  logName: string,
  stream: string,
  streamName: string,
  streamGiven: boolean,
): LogSetting {
  const value = raw.trim();
  if (value === 'local') {
    if (streamGiven) {
      throw new ConfigError(
        `${streamName} "${stream}" applies only to a replicated log: give --log nats://host:port (or HERMES_LOG), or drop ${streamName}.`,
      );
    }
    return { kind: 'local' };
  }
  const servers = value.split(',').map((s) => s.trim());
  for (const server of servers) checkServer(server, raw, logName);
  if (!STREAM_NAME.test(stream)) {
    throw new ConfigError(
      `${streamName} "${stream}" is not a stream name: use letters, digits, "_" or "-" (e.g. hermes).`,
    );
  }
  return { kind: 'nats', servers, stream };
}

/** Throws unless `server` is `nats://host:port` with nothing else (no path, query or credentials). */
function checkServer(server: string, raw: string, name: string): void {
  const bad = (why: string): ConfigError =>
    new ConfigError(
      `${name} "${raw}" ${why}: give "local" (the data folder's log) or the cluster's client URLs, nats://host:port separated by commas (e.g. nats://127.0.0.1:4222,nats://127.0.0.1:4223).`,
    );
  if (server === '') throw bad('has an empty server');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw bad(`has "${server}", which is not a URL`);
  }
  if (url.protocol !== 'nats:') throw bad(`has "${server}", which is not a nats:// URL`);
  if (url.username !== '' || url.password !== '') {
    throw bad(`has credentials in "${server}", which would show in ps and in the start-up line`);
  }
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw bad(`has "${server}", which has more than a host and a port`);
  }
  if (url.hostname === '' || url.port === '' || !/:\d+\/?$/.test(server)) {
    throw bad(`has "${server}", which lacks a host and a port`);
  }
}
