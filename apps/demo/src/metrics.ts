import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { VERSION } from './version.js';

/** The wal's observer hooks (a `WalObserver` of `@hermes/wal`), feeding the histograms. */
export interface MetricsObserver {
  commitWritten(records: number, bytes: number): void;
  synced(durationMs: number): void;
  poisoned(error: Error): void;
}

/** Numbers read from the store each time `/metrics` is scraped. */
export interface StoreGauges {
  readonly logBytes?: number;
  readonly fsyncLagMs?: number;
  readonly keys?: number;
}

/** The service's metrics, in a prom-client registry of its own (never the global one). */
export interface ServiceMetrics {
  /** The registry `/metrics` renders. */
  readonly registry: Registry;
  /** Pass as `observer` when opening the durable store. */
  readonly observer: MetricsObserver;
  /** Counts one HTTP response. */
  request(method: string, route: string, status: number, seconds: number): void;
  /** Counts one `POST /batch` of `ops` operations. */
  batch(ops: number): void;
  /** Counts one finished compaction (`ok`) or failed one. */
  compaction(ok: boolean): void;
  /** Records what replay did at start-up. */
  replayed(report: {
    readonly records: number;
    readonly bytes: number;
    readonly durationMs: number;
  }): void;
  /** Reads the store's gauges at each scrape. */
  readFrom(gauges: () => StoreGauges): void;
}

const FSYNC_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];
const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384];
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/** Creates the service's metrics (all named `hermes_*`) in a fresh registry. */
export function createMetrics(): ServiceMetrics {
  const registry = new Registry();
  const registers = [registry];
  // Node's own: process_cpu_seconds_total, process_resident_memory_bytes, nodejs_heap_*,
  // nodejs_eventloop_lag_*, nodejs_gc_duration_seconds, ...
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'hermes_build_info',
    help: 'Always 1; its labels say which build runs: the service version and Node',
    labelNames: ['version', 'node'] as const,
    registers,
  }).set({ version: VERSION, node: process.versions.node }, 1);
  let gauges: () => StoreGauges = () => ({});

  const requests = new Counter({
    name: 'hermes_http_requests_total',
    help: 'HTTP responses sent, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'hermes_http_request_duration_seconds',
    help: 'Time from request to response, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const appends = new Counter({
    name: 'hermes_wal_appends_total',
    help: 'Records written to the log',
    registers,
  });
  const writes = new Counter({
    name: 'hermes_wal_writes_total',
    help: 'Group writes to the log (each carries one or more records)',
    registers,
  });
  const writtenBytes = new Counter({
    name: 'hermes_wal_written_bytes_total',
    help: 'Bytes written to the log',
    registers,
  });
  const groupSize = new Histogram({
    name: 'hermes_wal_batch_records',
    help: 'Records per group write to the log (group commit batch size)',
    buckets: SIZE_BUCKETS,
    registers,
  });
  const fsyncs = new Counter({
    name: 'hermes_wal_fsyncs_total',
    help: 'Successful fsyncs of the log',
    registers,
  });
  const fsyncSeconds = new Histogram({
    name: 'hermes_wal_fsync_duration_seconds',
    help: 'fsync latency of the log',
    buckets: FSYNC_BUCKETS,
    registers,
  });
  const poisoned = new Gauge({
    name: 'hermes_wal_poisoned',
    help: '1 once a write or fsync of the log failed (writes refused until restart), else 0',
    registers,
  });
  const batches = new Counter({
    name: 'hermes_batches_total',
    help: 'POST /batch requests applied',
    registers,
  });
  const batchOps = new Histogram({
    name: 'hermes_batch_ops',
    help: 'Operations per applied POST /batch',
    buckets: SIZE_BUCKETS,
    registers,
  });
  const compactions = new Counter({
    name: 'hermes_compactions_total',
    help: 'Compactions of the log, by result',
    labelNames: ['result'] as const,
    registers,
  });
  const replaySeconds = new Gauge({
    name: 'hermes_replay_duration_seconds',
    help: 'Time the start-up replay took',
    registers,
  });
  const replayRecords = new Gauge({
    name: 'hermes_replay_records',
    help: 'Records replayed at start-up',
    registers,
  });
  const replayBytes = new Gauge({
    name: 'hermes_replay_bytes',
    help: 'Log bytes read at start-up',
    registers,
  });
  new Gauge({
    name: 'hermes_wal_log_bytes',
    help: 'Bytes in the log (snapshot plus segments)',
    registers,
    collect() {
      const v = gauges().logBytes;
      if (v !== undefined) this.set(v);
    },
  });
  new Gauge({
    name: 'hermes_wal_fsync_lag_seconds',
    help: 'Time since the last fsync while writes wait for one (0 when none wait)',
    registers,
    collect() {
      const v = gauges().fsyncLagMs;
      if (v !== undefined) this.set(v / 1000);
    },
  });
  new Gauge({
    name: 'hermes_keys',
    help: 'Keys in the store',
    registers,
    collect() {
      const v = gauges().keys;
      if (v !== undefined) this.set(v);
    },
  });
  poisoned.set(0);
  for (const result of ['ok', 'failed']) compactions.inc({ result }, 0);

  return {
    registry,
    observer: {
      commitWritten(records, bytes) {
        appends.inc(records);
        writes.inc();
        writtenBytes.inc(bytes);
        groupSize.observe(records);
      },
      synced(durationMs) {
        fsyncs.inc();
        fsyncSeconds.observe(durationMs / 1000);
      },
      poisoned() {
        poisoned.set(1);
      },
    },
    request(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      requestSeconds.observe({ method, route }, seconds);
    },
    batch(ops) {
      batches.inc();
      batchOps.observe(ops);
    },
    compaction(ok) {
      compactions.inc({ result: ok ? 'ok' : 'failed' });
    },
    replayed(report) {
      replaySeconds.set(report.durationMs / 1000);
      replayRecords.set(report.records);
      replayBytes.set(report.bytes);
    },
    readFrom(read) {
      gauges = read;
    },
  };
}
