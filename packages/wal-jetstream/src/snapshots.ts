import {
  type DecodeResult,
  encodeRecord,
  FILE_HEADER,
  LogDecoder,
  type LogRecord,
  type RecordLimits,
} from '@hermes/record';
import type { SnapshotWriter } from '@hermes/wal';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  StorageType,
  type StoredMsg,
} from '@nats-io/jetstream';
import { type ObjectStore, Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamBadMessageError, JetStreamLogError } from './errors.js';

/**
 * The marker message on `<prefix>.snap`: the object of the snapshot bucket that holds the state
 * of every record below `upTo` (as `@hermes/record` lines after the format header). Markers are
 * published with an expected last subject sequence, so their `upTo` only grows, and never purged,
 * so the last one is the newest snapshot and the stream never loses a message silently.
 */
export interface SnapshotMarker {
  /** Every record of `<prefix>.log` below this sequence is in the snapshot (and may be purged). */
  readonly upTo: number;
  /** Name of the object in the bucket. */
  readonly object: string;
  /** Size of the object in bytes. */
  readonly bytes: number;
  /** Records (one `set` per live key) in the object. */
  readonly records: number;
}

/** A snapshot read back: its marker and its records, in order. */
export interface LoadedSnapshot {
  readonly marker: SnapshotMarker;
  readonly records: LogRecord[];
}

/** What {@link SnapshotStore.install} did. */
export interface Installed {
  /** `false` when a newer snapshot was installed meanwhile (this one was dropped). */
  readonly installed: boolean;
  readonly bytes: number;
}

/** Where a stream's snapshots live and how they are named. */
export interface SnapshotSettings {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  /** `<prefix>.log`: the subject purged below a snapshot. */
  readonly logSubject: string;
  /** `<prefix>.snap`: the markers' subject. */
  readonly markerSubject: string;
  /** Replicas of the bucket (those of the stream). */
  readonly replicas: number;
  readonly limits: RecordLimits;
}

/** Bytes gathered before a chunk goes to the object store. */
const CHUNK_BYTES = 256 * 1024;
/** Tries to read the newest snapshot when a newer compaction deletes the object being read. */
const READ_ATTEMPTS = 5;
/** How often a bucket just created is asked whether it has a leader yet. */
const LEADER_POLL_MS = 100;
/** Tries to publish a marker while other nodes publish theirs. */
const MARKER_ATTEMPTS = 16;

/** The bucket of a stream's snapshots: `<stream>-snap`. */
export function bucketOf(stream: string): string {
  return `${stream}-snap`;
}

/**
 * The snapshots of one stream: each in a JetStream object store (`<stream>-snap`, replicated as
 * the stream), named by a marker message in the stream itself. Installing one writes the object,
 * publishes its marker (conditionally: only the newest snapshot is ever named last), purges
 * `<prefix>.log` below the snapshot, and deletes the snapshot it replaces.
 */
export class SnapshotStore {
  readonly #s: SnapshotSettings;
  #bucket: Promise<ObjectStore> | undefined;

  constructor(settings: SnapshotSettings) {
    this.#s = settings;
  }

  /** The newest marker and its stream sequence, or `undefined` when the stream has none. */
  async latest(): Promise<{ readonly marker: SnapshotMarker; readonly seq: number } | undefined> {
    let stored: StoredMsg | null;
    try {
      stored = await this.#s.jsm.streams.getMessage(this.#s.stream, {
        last_by_subj: this.#s.markerSubject,
      });
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.NoMessageFound) {
        return undefined;
      }
      throw error;
    }
    if (stored === null) return undefined;
    return { marker: this.parseMarker(stored.seq, stored.data), seq: stored.seq };
  }

  /**
   * The marker in a message's payload.
   * @throws JetStreamBadMessageError `bad-marker` when it is not one
   */
  parseMarker(seq: number, data: Uint8Array): SnapshotMarker {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(data));
    } catch {
      value = undefined;
    }
    const m = value as Partial<SnapshotMarker> | undefined;
    if (
      typeof m !== 'object' ||
      m === null ||
      !isCount(m.upTo) ||
      m.upTo < 1 ||
      typeof m.object !== 'string' ||
      !isCount(m.bytes) ||
      !isCount(m.records)
    ) {
      throw new JetStreamBadMessageError(
        this.#s.stream,
        seq,
        'bad-marker',
        `${this.#s.markerSubject} holds ${data.length} bytes that are not a snapshot marker`,
      );
    }
    return { upTo: m.upTo, object: m.object, bytes: m.bytes, records: m.records };
  }

  /**
   * Reads the newest snapshot, or `undefined` when there is none. A newer compaction may delete
   * the object being read; then the newer marker is read, a few times at most.
   * @throws JetStreamLogError `JETSTREAM_BAD_SNAPSHOT` for an object missing, failing its digest
   *   check or not decoding; `JETSTREAM_TIMEOUT` when its read stops for another reason
   */
  async load(): Promise<LoadedSnapshot | undefined> {
    for (let attempt = 1; ; attempt++) {
      const latest = await this.latest();
      if (latest === undefined) return undefined;
      const { marker } = latest;
      const records = await this.#read(marker);
      if (records !== undefined) return { marker, records };
      const again = await this.latest();
      if (attempt >= READ_ATTEMPTS || again === undefined || again.seq === latest.seq) {
        throw badSnapshot(this.#s.stream, marker, 'its object is missing from the bucket');
      }
    }
  }

  /**
   * Writes the snapshot of every record below `upTo` that `fill` gives, and installs it: publishes
   * its marker unless a snapshot at `upTo` or later is named already, purges `<prefix>.log` below
   * `upTo`, deletes the object of the snapshot it replaces. When `fill` throws, the object is
   * deleted and nothing else changes.
   */
  async install(upTo: number, fill: (writer: SnapshotWriter) => Promise<void>): Promise<Installed> {
    const bucket = await this.#openBucket(true);
    const object = `snap-${upTo}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const put = bucket.put({ name: object }, readable);
    const out = writable.getWriter();
    // If the object store gives up (a lost quorum), nothing reads the stream any more: the
    // writer is aborted, so that the snapshot's writes fail instead of waiting for good.
    put.catch((error: unknown) => {
      out.abort(error).catch(() => {});
    });
    let records = 0;
    try {
      const chunk = new ChunkBuffer(CHUNK_BYTES, async (bytes) => {
        await out.ready;
        await out.write(bytes);
      });
      await chunk.add(FILE_HEADER);
      await fill({
        write: async (record) => {
          await chunk.add(encodeRecord(record, this.#s.limits));
          records++;
        },
      });
      await chunk.flush();
      await out.close();
    } catch (error) {
      await out.abort(error).catch(() => {});
      await put.catch(() => {});
      await bucket.delete(object).catch(() => {});
      throw error;
    }
    const info = await put;
    const marker: SnapshotMarker = { upTo, object, bytes: info.size, records };
    const replaced = await this.#publishMarker(marker);
    if (replaced === false) {
      await bucket.delete(object).catch(() => {});
      return { installed: false, bytes: info.size };
    }
    // Nothing is below the first sequence. The server reads a purge `seq` of 0 or 1 as "no
    // bound" and would purge every record of the subject, also those after the cut (a write
    // that landed while a compaction of an empty stream ran).
    if (upTo > 1) {
      await this.#s.jsm.streams.purge(this.#s.stream, { filter: this.#s.logSubject, seq: upTo });
    }
    if (replaced !== undefined) await bucket.delete(replaced.object).catch(() => {});
    return { installed: true, bytes: info.size };
  }

  /**
   * Publishes `marker` as the newest one: resolves the marker it replaces (`undefined` for the
   * first), or `false` when one at `marker.upTo` or later is there already.
   */
  async #publishMarker(marker: SnapshotMarker): Promise<SnapshotMarker | undefined | false> {
    const js = this.#s.jsm.jetstream();
    const payload = new TextEncoder().encode(JSON.stringify(marker));
    for (let attempt = 1; ; attempt++) {
      const latest = await this.latest();
      if (latest !== undefined && latest.marker.upTo >= marker.upTo) return false;
      try {
        await js.publish(this.#s.markerSubject, payload, {
          expect: { lastSubjectSequence: latest?.seq ?? 0 },
        });
        return latest?.marker;
      } catch (error) {
        const lost =
          error instanceof JetStreamApiError &&
          error.code === JetStreamApiCodes.StreamWrongLastSequence;
        if (!lost || attempt >= MARKER_ATTEMPTS) throw error;
      }
    }
  }

  /** The records of `marker`'s object, or `undefined` when the object is gone. */
  async #read(marker: SnapshotMarker): Promise<LogRecord[] | undefined> {
    const bucket = await this.#openBucket(false);
    if (bucket === undefined) return undefined;
    let result: Awaited<ReturnType<ObjectStore['get']>>;
    try {
      result = await bucket.get(marker.object);
    } catch (error) {
      throw readFailure(this.#s.stream, marker, 0, error);
    }
    if (result === null) return undefined;
    const records: LogRecord[] = [];
    let failure: string | undefined;
    const decoder = new LogDecoder({ limits: this.#s.limits });
    const take = (decoded: DecodeResult): void => {
      if (failure !== undefined) return;
      if (decoded.ok) records.push(decoded.record);
      else failure = `${decoded.reason}: ${decoded.message}`;
    };
    let bytes = 0;
    try {
      for await (const chunk of result.data) {
        bytes += chunk.length;
        decoder.push(chunk, take);
      }
      await result.error;
    } catch (error) {
      throw readFailure(this.#s.stream, marker, bytes, error);
    }
    decoder.end(take);
    if (failure === undefined && decoder.format !== 'v2') failure = 'no format header';
    if (failure === undefined && records.length !== marker.records) {
      failure = `${records.length} records where its marker says ${marker.records}`;
    }
    if (failure !== undefined) {
      throw badSnapshot(this.#s.stream, marker, `${bytes} bytes that do not decode (${failure})`);
    }
    return records;
  }

  /**
   * Creates the snapshot bucket (its stream replicated as the log's) and resolves once it has a
   * leader, within `timeoutMs`. The log does this when it creates its stream, while every node
   * is up (placing replicas needs them) and before nodes race to create it at their first
   * compaction, when a bucket just made answers nothing until its leader is elected.
   */
  async createBucket(timeoutMs: number): Promise<void> {
    await this.#openBucket(true);
    const name = `OBJ_${bucketOf(this.#s.stream)}`;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const info = await this.#s.jsm.streams.info(name).catch(() => undefined);
      // A single server (no cluster) has no leader to wait for.
      if (info !== undefined && (info.cluster === undefined || info.cluster.leader !== undefined)) {
        return;
      }
      if (performance.now() > deadline) {
        throw new JetStreamLogError(
          'JETSTREAM_TIMEOUT',
          `The snapshot bucket ${bucketOf(this.#s.stream)} got no leader within ${timeoutMs} ms: is a quorum of the cluster up?`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
    }
  }

  /** The bucket, created (or bound) when `create`; `undefined` if it does not exist and not `create`. */
  async #openBucket(create: true): Promise<ObjectStore>;
  async #openBucket(create: false): Promise<ObjectStore | undefined>;
  async #openBucket(create: boolean): Promise<ObjectStore | undefined> {
    if (this.#bucket !== undefined) return this.#bucket;
    const objm = new Objm(this.#s.nc);
    const name = bucketOf(this.#s.stream);
    if (create) {
      const opening = objm.create(name, {
        replicas: this.#s.replicas,
        storage: StorageType.File,
      });
      this.#bucket = opening;
      opening.catch(() => {
        if (this.#bucket === opening) this.#bucket = undefined;
      });
      return opening;
    }
    try {
      const bucket = await objm.open(name);
      this.#bucket = Promise.resolve(bucket);
      return bucket;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
        return undefined;
      }
      throw error;
    }
  }
}

/** Gathers small byte arrays into chunks of about `size` bytes for `send`. */
class ChunkBuffer {
  readonly #size: number;
  readonly #send: (bytes: Uint8Array) => Promise<void>;
  #parts: Uint8Array[] = [];
  #bytes = 0;

  constructor(size: number, send: (bytes: Uint8Array) => Promise<void>) {
    this.#size = size;
    this.#send = send;
  }

  async add(bytes: Uint8Array): Promise<void> {
    this.#parts.push(bytes);
    this.#bytes += bytes.length;
    if (this.#bytes >= this.#size) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#bytes === 0) return;
    const chunk = Buffer.concat(this.#parts, this.#bytes);
    this.#parts = [];
    this.#bytes = 0;
    await this.#send(chunk);
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * What a failed read of a snapshot's object means. The object store checks the object's SHA-256
 * digest once every chunk has come: a mismatch (a chunk lost or changed in the bucket) is a
 * verdict on the snapshot, `JETSTREAM_BAD_SNAPSHOT`. Anything else (the connection dropped, the
 * server serving the read went away) says nothing about the snapshot: `JETSTREAM_TIMEOUT`, which
 * a replica mending a gap retries and an open reports as the cluster not answering.
 */
export function readFailure(
  stream: string,
  marker: SnapshotMarker,
  bytes: number,
  error: unknown,
): JetStreamLogError {
  const message = error instanceof Error ? error.message : String(error);
  if (/digests do not match/.test(message)) {
    return badSnapshot(stream, marker, `its object fails its digest check after ${bytes} bytes`);
  }
  return new JetStreamLogError(
    'JETSTREAM_TIMEOUT',
    `Reading the snapshot of stream ${stream} below sequence ${marker.upTo} (object ${marker.object} of bucket ${bucketOf(stream)}) stopped after ${bytes} of ${marker.bytes} bytes (${message}): is a quorum of the cluster up? Opening again, or a replica's next check, reads it anew.`,
    { cause: error },
  );
}

function badSnapshot(stream: string, marker: SnapshotMarker, why: string): JetStreamLogError {
  return new JetStreamLogError(
    'JETSTREAM_BAD_SNAPSHOT',
    `The snapshot of stream ${stream} below sequence ${marker.upTo} (object ${marker.object} of bucket ${bucketOf(stream)}) is unusable: ${why}. The records it replaced are purged; restore the bucket, or open a node that still holds the state and compact again.`,
  );
}
