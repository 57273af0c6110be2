import { resolveLimits } from '@hermes/record';
import type { LogFollower, LogOpener, OpenedLog, OpenReport } from '@hermes/wal';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamInfo,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nuid } from '@nats-io/transport-node';
import { JetStreamLogError } from './errors.js';
import { JetStreamLog, type LogSettings } from './log.js';
import type { JetStreamLogOptions } from './options.js';
import { SnapshotStore } from './snapshots.js';

/** Options with every default filled in. */
interface Resolved {
  readonly servers: string[];
  readonly stream: string;
  readonly prefix: string;
  readonly replicas: number;
  readonly options: JetStreamLogOptions;
  readonly ackTimeoutMs: number;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
}

const NAME = /^[A-Za-z0-9_-]+$/;
const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

function invalid(message: string): JetStreamLogError {
  return new JetStreamLogError('JETSTREAM_INVALID_OPTIONS', message);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`${name} must be a whole number >= 1, got ${String(value)}.`);
  }
  return value;
}

function resolve(options: JetStreamLogOptions): Resolved {
  if (options === null || typeof options !== 'object') {
    throw invalid('openJetStreamLog takes an options object: { servers, stream?, ... }.');
  }
  const servers =
    options.servers === undefined
      ? []
      : typeof options.servers === 'string'
        ? [options.servers]
        : [...options.servers];
  if (options.connection === undefined && servers.length === 0) {
    throw invalid('servers is required (e.g. "nats://127.0.0.1:4222"), or pass a connection.');
  }
  const stream = options.stream ?? 'hermes';
  if (typeof stream !== 'string' || !NAME.test(stream)) {
    throw invalid(`stream must be letters, digits, "_" or "-", got ${JSON.stringify(stream)}.`);
  }
  const prefix = options.subjectPrefix ?? `hermes.${stream}`;
  if (typeof prefix !== 'string' || !SUBJECT.test(prefix)) {
    throw invalid(
      `subjectPrefix must be dot-separated tokens without wildcards, got ${JSON.stringify(prefix)}.`,
    );
  }
  return {
    servers,
    stream,
    prefix,
    replicas: positive('replicas', options.replicas, 3),
    options,
    ackTimeoutMs: positive('ackTimeoutMs', options.ackTimeoutMs, 10_000),
    timeoutMs: positive('timeoutMs', options.timeoutMs, 30_000),
    maxInFlight: positive('maxInFlight', options.maxInFlight, 65_536),
  };
}

/**
 * The stream named `r.stream`, created (replicas `r.replicas`, file storage, limits retention,
 * subjects `<prefix>.>`, plus `streamConfig`) when missing, and whether this call created it.
 * @throws JetStreamLogError `JETSTREAM_STREAM_MISMATCH` for a stream of other subjects or retention.
 */
async function ensureStream(
  jsm: JetStreamManager,
  r: Resolved,
): Promise<{ readonly info: StreamInfo; readonly created: boolean }> {
  const subjects = [`${r.prefix}.>`];
  let info: StreamInfo;
  let created = false;
  try {
    info = await jsm.streams.info(r.stream);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) {
      throw error;
    }
    info = await jsm.streams.add({
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      ...r.options.streamConfig,
      name: r.stream,
      subjects,
      num_replicas: r.replicas,
    });
    created = true;
  }
  const { config } = info;
  if (
    config.retention !== RetentionPolicy.Limits ||
    config.subjects?.length !== 1 ||
    config.subjects[0] !== subjects[0]
  ) {
    throw new JetStreamLogError(
      'JETSTREAM_STREAM_MISMATCH',
      `Stream ${r.stream} has subjects ${JSON.stringify(config.subjects)} and ${config.retention} retention; the log needs exactly ["${subjects[0]}"] and limits retention. Name another stream, or set subjectPrefix to match.`,
    );
  }
  return { info, created };
}

async function openLog(r: Resolved, follower: LogFollower): Promise<OpenedLog> {
  const started = performance.now();
  let nc: NatsConnection;
  const owned = r.options.connection === undefined;
  if (r.options.connection !== undefined) {
    nc = r.options.connection;
  } else {
    try {
      // Without async traces the client does not build two Error objects (stack traces and all)
      // for every publish, which took about a third of a writing node's CPU.
      nc = await connect({
        name: 'hermes',
        noAsyncTraces: true,
        ...r.options.connectOptions,
        servers: r.servers,
      });
    } catch (error) {
      throw new JetStreamLogError(
        'JETSTREAM_UNREACHABLE',
        `No NATS server of ${r.servers.join(', ')} could be reached (${error instanceof Error ? error.message : String(error)}): start the cluster, or fix servers.`,
        { cause: error },
      );
    }
  }
  let log: JetStreamLog | undefined;
  try {
    const { jsm, info, created } = await readyStream(nc, r);
    const limits = resolveLimits(r.options.limits);
    const subject = `${r.prefix}.log`;
    const markerSubject = `${r.prefix}.snap`;
    const settings: LogSettings = {
      js: jsm.jetstream(),
      stream: r.stream,
      subject,
      markerSubject,
      snapshots: new SnapshotStore({
        nc,
        jsm,
        stream: r.stream,
        logSubject: subject,
        markerSubject,
        replicas: info.config.num_replicas,
        limits,
      }),
      node: nuid.next(),
      maxPayload: nc.info?.max_payload ?? 1024 * 1024,
      ackTimeoutMs: r.ackTimeoutMs,
      timeoutMs: r.timeoutMs,
      maxInFlight: r.maxInFlight,
      limits,
      // The log's own connection closes with it; a connection given by the caller stays open.
      release: owned ? () => nc.close() : async () => {},
    };
    if (created) await settings.snapshots.createBucket(r.timeoutMs);
    const opened = new JetStreamLog(settings, follower);
    log = opened;
    const upTo = info.state.messages === 0 ? 0 : info.state.last_seq;
    await opened.replay(upTo);
    return { log: opened, report: report(opened, performance.now() - started) };
  } catch (error) {
    if (log) await log.close().catch(() => {});
    else if (owned) await nc.close().catch(() => {});
    throw error;
  }
}

/**
 * The stream, created if missing (these requests bounded by `timeoutMs`), and the JetStream
 * manager the log runs with.
 * @throws JetStreamLogError `JETSTREAM_UNREACHABLE` when the servers run without JetStream,
 *   `JETSTREAM_TIMEOUT` when the stream does not answer within `timeoutMs` (no quorum, or an
 *   election that takes that long), `JETSTREAM_STREAM_MISMATCH`
 */
async function readyStream(nc: NatsConnection, r: Resolved) {
  try {
    const ensured = await ensureStream(await jetstreamManager(nc, { timeout: r.timeoutMs }), r);
    // While running, the client's own request timeout: a consumer recreated after a server died
    // is retried by the watchdog rather than waited for that long.
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    return { jsm, ...ensured };
  } catch (error) {
    if (error instanceof JetStreamLogError) throw error;
    const name = error instanceof Error ? error.name : '';
    if (name === 'JetStreamNotEnabled') {
      throw new JetStreamLogError(
        'JETSTREAM_UNREACHABLE',
        `The NATS server${r.servers.length === 1 ? '' : 's'} ${r.servers.join(', ')} answer${r.servers.length === 1 ? 's' : ''}, but without JetStream: start ${r.servers.length === 1 ? 'it' : 'them'} with -js (or a jetstream block in the configuration).`,
        { cause: error },
      );
    }
    if (name === 'TimeoutError') {
      throw new JetStreamLogError(
        'JETSTREAM_TIMEOUT',
        `Stream ${r.stream} did not answer within ${r.timeoutMs} ms (timeoutMs): is a quorum of the cluster up? A new stream's first leader election can take seconds on a loaded machine; raise timeoutMs if so.`,
        { cause: error },
      );
    }
    throw error;
  }
}

function report(log: JetStreamLog, durationMs: number): OpenReport {
  const { appliedSeq, logBytes } = log.stats();
  return {
    records: appliedSeq,
    bytes: logBytes,
    segments: 0,
    fromSnapshot: log.fromSnapshot,
    durationMs,
    tornTail: null,
    skipped: 0,
    legacy: false,
  };
}

/**
 * A `LogOpener` (of `@hermes/wal`) for `openDurableStore`'s `log` option: a replicated log on the JetStream
 * stream `options.stream` (created with `replicas` replicas when missing). Opening connects (or
 * uses `options.connection`), replays the stream, then follows it: records other nodes append
 * reach the store in stream order, among its own.
 * @throws JetStreamLogError `JETSTREAM_INVALID_OPTIONS` at once for bad options; the opener
 *   rejects with `JETSTREAM_UNREACHABLE` (no server, or no JetStream on it),
 *   `JETSTREAM_STREAM_MISMATCH`, `JETSTREAM_BAD_MESSAGE` (naming the sequence),
 *   `JETSTREAM_BAD_SNAPSHOT` or `JETSTREAM_TIMEOUT` (the stream or replay not within `timeoutMs`).
 */
export function openJetStreamLog(options: JetStreamLogOptions): LogOpener {
  const resolved = resolve(options);
  return (follower) => openLog(resolved, follower);
}
