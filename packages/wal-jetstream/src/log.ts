import { decodeLine, encodeRecord, type LogRecord, type RecordLimits } from '@hermes/record';
import type { LogFollower, LogPort, SnapshotWriter, WalStats } from '@hermes/wal';
import {
  type ConsumerMessages,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { JetStreamBadMessageError, JetStreamLogError } from './errors.js';
import type { LoadedSnapshot, SnapshotStore } from './snapshots.js';

/** What the log needs to run: resolved options and the client it publishes with. */
export interface LogSettings {
  readonly js: JetStreamClient;
  readonly stream: string;
  /** The subject every record is published to (`<prefix>.log`). */
  readonly subject: string;
  /** The subject of the snapshot markers (`<prefix>.snap`). */
  readonly markerSubject: string;
  /** Where snapshots are written and read. */
  readonly snapshots: SnapshotStore;
  /** This handle's name in message ids (`<node>.<n>`), unique per open. */
  readonly node: string;
  /** The server's `max_payload`, headers included. */
  readonly maxPayload: number;
  readonly ackTimeoutMs: number;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  readonly limits: RecordLimits;
  /** Called once the log is closed: closes the connection if it is the log's own. */
  readonly release: () => Promise<void>;
}

/** The stats of a {@link JetStreamLog}: the local log's fields, plus where it is in the stream. */
export interface JetStreamLogStats extends WalStats {
  /** The stream it follows. */
  readonly stream: string;
  /** Sequence of the last stream message applied on this node (0 before the first). */
  readonly appliedSeq: number;
  /**
   * Messages the stream held past the last one applied here, as of its delivery (0: caught up
   * then). How far behind this node's reads were when it last heard from the stream.
   */
  readonly behindRecords: number;
  /** While `behindRecords` > 0: how long ago the last message applied here was stored (ms); else 0. */
  readonly behindMs: number;
  /**
   * Milliseconds since the stream last told this node anything (a message or the consumer's idle
   * heartbeat, every `HEARTBEAT_MS`): past a few heartbeats, the node may be cut off and its reads
   * stale by at least that long.
   */
  readonly lastHeardMs: number;
  /** Times the log restarted its consumer after the stream fell silent (its server died). */
  readonly resubscribes: number;
}

/** The idle heartbeat the log asks of its consumer: silence longer than a few of these is a warning sign. */
export const HEARTBEAT_MS = 2000;
/** Silence of the stream after which the log restarts its consumer (three heartbeats). */
export const SILENCE_MS: number = 3 * HEARTBEAT_MS;

/** One append of a message in flight: its callback, its promise's settlers. */
interface Append {
  readonly onDurable: (() => void) | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** What `onDurable` threw, if it did. */
  failure: unknown;
}

/**
 * One message in flight: the appends it carries (one, or every append called in the same turn,
 * gathered), waiting for JetStream's acknowledgement and for the message to come back in the
 * stream.
 */
interface Pending {
  /** Its appends, in call order (their records are its lines, in that order). */
  readonly appends: Append[];
  bytes: number;
  acked: boolean;
  /** The stream sequence JetStream acknowledged it at, and when (`performance.now()`). */
  ackSeq: number;
  ackedAt: number;
  delivered: boolean;
}

/** A message being gathered: the appends called in this turn and their lines. */
interface Gathering {
  readonly entry: Pending;
  readonly lines: Uint8Array[];
}

/**
 * Checks a conditional write makes before it gives up with `JETSTREAM_CONFLICT`: each failed one
 * means another node's record got in between a check and its append.
 */
export const MAX_DECIDE_ATTEMPTS = 32;

/** JetStream refused a conditional publish: the stream's last record is `lastSeq`, not the one checked. */
class StaleCheck extends Error {
  readonly lastSeq: number;
  constructor(lastSeq: number) {
    super(`the stream moved on to ${lastSeq}`);
    this.lastSeq = lastSeq;
  }
}

const MSG_ID = 'Nats-Msg-Id';
/** Room kept for the headers (`Nats-Msg-Id` and the protocol's framing) within `max_payload`. */
const HEADER_ROOM = 256;
const NEWLINE = 10;

/**
 * A Hermes log on a JetStream stream: the appends called in one turn are one message whose
 * payload is their records' checksummed lines (the `@hermes/record` codec), published with a
 * message id `<node>.<n>`; a conditional append is a message of its own. One ordered consumer
 * reads the whole stream in sequence order; a message this handle published completes its
 * appends (each `onDurable` in order, then the promises once JetStream acknowledged it too), any
 * other is decoded and its records handed to the follower. So every node applies every record in stream
 * order, its own among the others'. Opened by `openJetStreamLog`.
 */
export class JetStreamLog implements LogPort {
  readonly #s: LogSettings;
  readonly #follower: LogFollower;
  /** Own appends not settled yet, by message id. */
  readonly #pending = new Map<string, Pending>();
  /** Settles (never rejects) with each own append; what `sync()` and `close()` wait for. */
  readonly #inFlight = new Set<Promise<void>>();
  /** Appends waiting for room (backpressure), first come first served. */
  readonly #waiters: (() => void)[] = [];
  /** Waiters let in whose publish has not happened yet (they go before any later append). */
  #admitted = 0;
  #counter = 0;
  #appliedSeq = 0;
  #behindRecords = 0;
  /** When the last message applied here was stored in the stream (ms since the epoch). */
  #appliedStoredAt = 0;
  /** When the stream last told this node anything (`performance.now()`). */
  #heardAt = performance.now();
  #appends = 0;
  /** Messages this node published (each carries one or more appends). */
  #published = 0;
  /** Bytes of the snapshot this node started from or installed last. */
  #snapshotBytes = 0;
  /** Bytes of the records applied here since that snapshot. */
  #tailBytes = 0;
  /** `#tailBytes` at the last `rotate()`: what an installed snapshot replaces. */
  #cutTail = 0;
  /** Every record below this sequence is in the snapshot loaded last (an ack below it is covered). */
  #coveredBelow = 0;
  #fromSnapshot = false;
  /**
   * Set while a gap in the stream is looked into (the consumer that met it is stopped; the next
   * one starts after what the mend applied).
   */
  #mending = false;
  /** Counts mends and consumers started: a late result of an earlier one is dropped. */
  #mends = 0;
  #follows = 0;
  /** Set when a mend failed for want of an answer: the watchdog follows again at its next check. */
  #followAgain = false;
  #queuedBytes = 0;
  /** Appends not settled yet (gathered, or in a message in flight). */
  #queuedRecords = 0;
  /** The message gathering this turn's appends, published at the end of the turn. */
  #gathering: Gathering | undefined;
  readonly #flushGathering = (): void => this.#flush();
  #messages: ConsumerMessages | undefined;
  /** Own appends acknowledged but not read back yet, by the sequence JetStream gave them (in acknowledgement order). */
  readonly #unread = new Map<number, { readonly id: string; readonly entry: Pending }>();
  #watchdog: NodeJS.Timeout | undefined;
  #resubscribing = false;
  #resubscribes = 0;
  #poisoned: Error | null = null;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Waiting for the log to apply up to a sequence (conditional writes after a stale check). */
  readonly #reachers: { readonly seq: number; readonly done: (error?: Error) => void }[] = [];
  /** Set while replaying at open: the sequence to reach, and what to call then. */
  #replay: { readonly upTo: number; readonly done: (error?: Error) => void } | undefined;

  constructor(settings: LogSettings, follower: LogFollower) {
    this.#s = settings;
    this.#follower = follower;
  }

  /**
   * Loads the newest snapshot, if the stream has one (its records go to the follower), then
   * follows the stream from the first message after it, and resolves once every message up to
   * `upTo` (the stream's last sequence at open) was applied, within `timeoutMs`. From then on a
   * watchdog restarts the consumer, from the next message to apply, whenever the stream has been
   * silent (no message, no idle heartbeat) for `SILENCE_MS`: the consumer lives on one server, and
   * when that server dies the client library does not always notice.
   * @throws JetStreamLogError `JETSTREAM_BAD_MESSAGE` for a message that is not a record,
   *   `JETSTREAM_BAD_SNAPSHOT` for a snapshot that does not load, `JETSTREAM_TIMEOUT` when the
   *   snapshot's read or the replay does not finish in time.
   */
  async replay(upTo: number): Promise<void> {
    const snapshot = await within(
      this.#s.snapshots.load(),
      this.#s.timeoutMs,
      () =>
        new JetStreamLogError(
          'JETSTREAM_TIMEOUT',
          `Reading the newest snapshot of stream ${this.#s.stream} did not finish within ${this.#s.timeoutMs} ms (timeoutMs): is a quorum of the cluster up? Raise timeoutMs for a large snapshot.`,
        ),
    );
    if (snapshot !== undefined) {
      this.#loadSnapshot(snapshot, false);
      this.#fromSnapshot = true;
    }
    await this.#follow();
    this.#watchdog = setInterval(() => this.#checkSilence(), HEARTBEAT_MS);
    this.#watchdog.unref();
    if (this.#appliedSeq >= upTo || this.#poisoned) {
      return this.#poisoned ? Promise.reject(this.#poisoned) : Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#replay?.done(
          new JetStreamLogError(
            'JETSTREAM_TIMEOUT',
            `Replay of stream ${this.#s.stream} reached message ${this.#appliedSeq} of ${upTo} within ${this.#s.timeoutMs} ms: is a quorum of the cluster up? Raise timeoutMs for a long stream.`,
          ),
        );
      }, this.#s.timeoutMs);
      this.#replay = {
        upTo,
        done: (error) => {
          clearTimeout(timer);
          this.#replay = undefined;
          if (error) reject(error);
          else resolve();
        },
      };
    });
  }

  /**
   * Consumes the stream from the message after the last one applied (an ordered consumer). A
   * consumer started meanwhile by a later call (or after close) wins: this one is stopped.
   */
  async #follow(): Promise<void> {
    const follow = ++this.#follows;
    // No filter: the stream holds only the log's subjects (and 2.9 has one filter subject only).
    const consumer = await this.#s.js.consumers.get(this.#s.stream, {
      opt_start_seq: this.#appliedSeq + 1,
    });
    const messages: ConsumerMessages = await consumer.consume({
      // Only the current consumer's messages count: one replaced may still deliver a few.
      callback: (msg) => {
        if (messages === this.#messages) this.deliver(msg);
      },
      idle_heartbeat: HEARTBEAT_MS,
    });
    if (follow !== this.#follows || this.#closed || this.#poisoned) {
      await messages.close().catch(ignore);
      return;
    }
    const previous = this.#messages;
    this.#messages = messages;
    this.#heardAt = performance.now();
    void (async () => {
      for await (const status of messages.status()) {
        if (status.type === 'heartbeat' && messages === this.#messages) {
          this.#heardAt = performance.now();
        }
      }
    })().catch(ignore);
    void messages.closed().then((error) => {
      if (error && !this.#closed && messages === this.#messages) {
        this.#poison(
          new JetStreamLogError(
            'JETSTREAM_FOLLOW_FAILED',
            `The log stopped reading stream ${this.#s.stream} (${error.message}); writes are refused. Reopen the store.`,
            { cause: error },
          ),
        );
      }
    });
    await previous?.close().catch(ignore);
  }

  /**
   * Own appends acknowledged at a sequence this log has read past without meeting them: the
   * stream holds another message there, so the cluster lost a write it acknowledged. They reject
   * with `JETSTREAM_ACK_LOST` (not applied anywhere) rather than wait forever. `deliver` checks
   * the one sequence it applies; this sweep (from the watchdog) catches a sequence the stream
   * skipped.
   */
  #sweepUnread(): void {
    for (const [seq, { id, entry }] of this.#unread) {
      if (seq <= this.#appliedSeq) this.#lost(seq, id, entry);
    }
  }

  /** Rejects an acknowledged append the stream does not hold with `JETSTREAM_ACK_LOST`. */
  #lost(seq: number, id: string, entry: Pending): void {
    this.#unread.delete(seq);
    if (entry.delivered || this.#pending.get(id) !== entry) return;
    this.#forget(id, entry);
    rejectAll(
      entry,
      new JetStreamLogError(
        'JETSTREAM_ACK_LOST',
        `JetStream acknowledged this append at sequence ${entry.ackSeq} of stream ${this.#s.stream}, but the stream holds another message there: the cluster lost a write it had acknowledged (a leader killed right after acknowledging, see the README's durability section). The write is not applied on any node; write it again.`,
      ),
    );
  }

  /**
   * The watchdog: follows the stream anew after `SILENCE_MS` without a word from it, or when an
   * own append acknowledged that long ago was still not read back although the stream goes on.
   */
  #checkSilence(): void {
    if (this.#closed || this.#poisoned || this.#resubscribing || this.#mending) return;
    this.#sweepUnread();
    const now = performance.now();
    const oldest = this.#unread.values().next().value?.entry;
    const stuck = oldest !== undefined && now - oldest.ackedAt >= SILENCE_MS;
    if (now - this.#heardAt < SILENCE_MS && !stuck && !this.#followAgain) return;
    this.#followAgain = false;
    this.#resubscribing = true;
    this.#resubscribes++;
    // A failure (no quorum to create the consumer on), or no answer within `SILENCE_MS`, is
    // retried at a later check.
    void within(
      this.#follow(),
      SILENCE_MS,
      () => new Error(`starting a consumer took over ${SILENCE_MS} ms`),
    )
      .catch(ignore)
      .finally(() => {
        this.#resubscribing = false;
      });
  }

  /** Takes one message of the stream, in sequence order (the consumer's callback). */
  deliver(msg: JsMsg): void {
    if (this.#poisoned || this.#mending) return;
    this.#heardAt = performance.now();
    const seq = msg.seq;
    if (seq <= this.#appliedSeq) return; // a redelivery after the consumer was recreated
    if (seq > this.#appliedSeq + 1) {
      this.#mendGap(seq);
      return;
    }
    this.#behindRecords = msg.info.pending;
    this.#appliedStoredAt = Number(msg.info.timestampNanos / 1_000_000);
    if (msg.subject === this.#s.markerSubject) {
      // A snapshot marker holds no change: it only takes a place in the sequence.
      try {
        this.#s.snapshots.parseMarker(seq, msg.data);
      } catch (error) {
        this.#poison(error as Error);
        return;
      }
      this.#appliedSeq = seq;
      this.#afterApplied(seq);
      return;
    }
    const id = msg.headers?.get(MSG_ID);
    const own = id ? this.#pending.get(id) : undefined;
    if (own !== undefined && !own.delivered) {
      own.delivered = true;
      this.#appliedSeq = seq;
      this.#tailBytes += msg.data.length;
      for (const append of own.appends) {
        try {
          append.onDurable?.();
        } catch (error) {
          append.failure = error;
        }
      }
      if (own.acked) this.#settle(id!, own);
    } else {
      const records = this.#decode(msg);
      if (records === undefined) return;
      this.#appliedSeq = seq;
      this.#tailBytes += msg.data.length;
      try {
        for (const record of records) this.#follower.onRecord(record);
      } catch (error) {
        this.#poison(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
    this.#afterApplied(seq, own);
  }

  /** What follows applying message `seq`: replay's end, conditional writes waiting, lost acks. */
  #afterApplied(seq: number, own?: Pending): void {
    // Replay ends at the stream's last message at open, or at the end of the stream when that
    // one was deleted since (`pending` counts what the stream holds past this message).
    if (this.#replay !== undefined && (seq >= this.#replay.upTo || this.#behindRecords === 0)) {
      this.#replay.done();
    }
    if (this.#reachers.length > 0) this.#wakeReachers();
    const unread = this.#unread.size > 0 ? this.#unread.get(seq) : undefined;
    if (unread !== undefined) {
      // This sequence is read: it is that append (done above), or another message took its place.
      if (unread.entry === own) this.#unread.delete(seq);
      else this.#lost(seq, unread.id, unread.entry);
    }
  }

  /**
   * The stream skipped from the last message applied here to `seq`. If a compaction purged
   * records there (the newest snapshot covers past them), this node fell behind it: it loads that
   * snapshot in place of its memory (a whole clear, then the snapshot's records, as one step) and
   * follows from the message after it. A gap that no snapshot covers, where only messages that
   * were deleted on purpose were (a bad message, as its error advises), is stepped over. The
   * consumer that met the gap is stopped at once, so nothing it still delivers is applied; the
   * next one starts where the mend leaves off. When the cluster does not answer (a server
   * restarting, no quorum yet) or not within `timeoutMs`, the watchdog meets the gap again at its
   * next check and the mend is retried; only a verdict (no snapshot for the hole, a bad one)
   * stops the log.
   */
  #mendGap(seq: number): void {
    this.#mending = true;
    const mend = ++this.#mends;
    const first = this.#appliedSeq + 1;
    const stopped = this.#messages;
    this.#messages = undefined;
    void stopped?.close().catch(ignore);
    const current = (): boolean => {
      if (mend !== this.#mends || this.#closed || this.#poisoned) return false;
      this.#mends++;
      this.#mending = false;
      return true;
    };
    within(
      this.#snapshotPast(first),
      this.#s.timeoutMs,
      () => new Error(`reading the snapshot took over ${this.#s.timeoutMs} ms`),
    ).then(
      (snapshot) => {
        if (!current()) return;
        if (snapshot !== undefined) {
          this.#loadSnapshot(snapshot, true);
        } else {
          // Nothing purged there: messages deleted one by one. Their places are skipped.
          this.#appliedSeq = seq - 1;
        }
        const replay = this.#replay;
        if (replay !== undefined && this.#appliedSeq >= replay.upTo) replay.done();
        if (this.#reachers.length > 0) this.#wakeReachers();
        this.#sweepUnread();
        this.#heardAt = performance.now();
        // A consumer that does not start is started again by the watchdog after `SILENCE_MS`.
        void this.#follow().catch(ignore);
      },
      (error: unknown) => {
        if (!current()) return;
        if (error instanceof JetStreamLogError && error.code !== 'JETSTREAM_TIMEOUT') {
          this.#poison(error);
          return;
        }
        // The cluster did not answer: the watchdog follows again at its next check.
        this.#followAgain = true;
      },
    );
  }

  /**
   * The newest snapshot when it covers messages from `first` on (a compaction purged them), or
   * `undefined` when none does (messages deleted one by one left the gap).
   * @throws JetStreamLogError `JETSTREAM_GAP` when a compaction purged them and no snapshot is
   *   there to replace them, `JETSTREAM_BAD_SNAPSHOT` for a snapshot that does not load
   */
  async #snapshotPast(first: number): Promise<LoadedSnapshot | undefined> {
    const latest = await this.#s.snapshots.latest();
    if (latest === undefined || latest.marker.upTo <= first) return undefined;
    const snapshot = await this.#s.snapshots.load();
    if (snapshot === undefined || snapshot.marker.upTo <= first) {
      throw new JetStreamLogError(
        'JETSTREAM_GAP',
        `Stream ${this.#s.stream} has no snapshot for the messages from ${first} that it no longer holds; the log stops rather than serve a state with a hole. Reopen the store.`,
      );
    }
    return snapshot;
  }

  /**
   * Makes memory the snapshot's state: at open, its records go to the follower; later (`replace`),
   * a whole clear goes first, so the follower's memory becomes exactly the snapshot's. Own
   * appends the snapshot holds resolve (their `onDurable` does not run: the snapshot applied
   * them, with whatever came after them below its sequence).
   */
  #loadSnapshot(snapshot: LoadedSnapshot, replace: boolean): void {
    const { marker, records } = snapshot;
    if (replace) this.#follower.onRecord({ type: 'clear' });
    for (const record of records) this.#follower.onRecord(record);
    this.#appliedSeq = marker.upTo - 1;
    this.#coveredBelow = marker.upTo;
    this.#snapshotBytes = marker.bytes;
    this.#tailBytes = 0;
    this.#cutTail = 0;
    for (const [seq, { id, entry }] of this.#unread) {
      if (seq < marker.upTo) {
        this.#unread.delete(seq);
        this.#covered(id, entry);
      }
    }
  }

  /** Resolves an own append that a loaded snapshot holds (it was acknowledged below its sequence). */
  #covered(id: string, entry: Pending): void {
    if (entry.delivered || this.#pending.get(id) !== entry) return;
    entry.delivered = true;
    this.#settle(id, entry);
  }

  append(record: LogRecord, onDurable?: () => void): Promise<void> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    let line: Uint8Array;
    try {
      line = this.#encode(record);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#waiters.length === 0 && this.#admitted === 0 && !this.#full()) {
      return this.#gather(line, onDurable);
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve)).then(() => {
      this.#admitted--;
      const late = this.#refusal();
      if (late) throw late;
      return this.#gather(line, onDurable);
    });
  }

  /**
   * Adds an append to the message of this turn (started here if none is), published once the
   * turn's synchronous work and microtasks are done: appends called together (many callers
   * resumed by one acknowledgement) share one message, one acknowledgement and one delivery. A
   * message stays within `max_payload`; one that would not is published first.
   */
  #gather(line: Uint8Array, onDurable: (() => void) | undefined): Promise<void> {
    let gathering = this.#gathering;
    if (
      gathering !== undefined &&
      gathering.entry.bytes + line.length + HEADER_ROOM > this.#s.maxPayload
    ) {
      this.#flush();
      gathering = undefined;
    }
    if (gathering === undefined) {
      gathering = { entry: newPending(), lines: [] };
      this.#gathering = gathering;
      queueMicrotask(this.#flushGathering);
    }
    gathering.lines.push(line);
    return this.#enqueue(gathering.entry, line, onDurable);
  }

  /** Publishes the message being gathered, if any. */
  #flush(): void {
    const gathering = this.#gathering;
    if (gathering === undefined) return;
    this.#gathering = undefined;
    const { lines } = gathering;
    this.#send(gathering.entry, lines.length === 1 ? lines[0]! : Buffer.concat(lines));
  }

  /**
   * Appends what `decide` returns if nothing reached the stream since the state it saw: `decide`
   * runs when the last record applied here is sequence S, and the message is published with
   * JetStream's expected last sequence S, which the stream leader checks as it stores it. If
   * another record got in first, the leader refuses (nothing is stored); this log then waits until
   * it applied up to the stream's new last record and asks `decide` again, at most
   * `MAX_DECIDE_ATTEMPTS` times, then rejects with `JETSTREAM_CONFLICT`. The stream's order is the
   * linearization order: a check and its write are one step in it.
   *
   * The check is on the whole stream, not on a key: another node's batch touches several keys
   * with one message, and only a whole-stream check sees it whatever subject it went to. The
   * price is a retry whenever any record lands between a check and its append; such writes skip
   * the `maxInFlight` queue (each holds its keys' locks in the store, which bounds them).
   */
  async appendDecided(
    decide: () => LogRecord | undefined,
    onDurable?: () => void,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const refused = this.#refusal();
      if (refused) throw refused;
      const checkedAt = this.#appliedSeq;
      const record = decide();
      if (record === undefined) return false;
      const line = this.#encode(record);
      try {
        await this.#publishAlone(line, onDurable, checkedAt);
        return true;
      } catch (error) {
        if (!(error instanceof StaleCheck)) throw error;
        if (attempt >= MAX_DECIDE_ATTEMPTS) {
          throw new JetStreamLogError(
            'JETSTREAM_CONFLICT',
            `A conditional write lost ${attempt} checks in a row to other writes on stream ${this.#s.stream} (last at sequence ${error.lastSeq}); nothing was appended. Retry later, or spread writes to that key.`,
          );
        }
        await this.#reach(error.lastSeq);
      }
    }
  }

  async sync(): Promise<void> {
    // An append resolves only once JetStream acknowledged it: waiting for those in flight is all.
    await Promise.all([...this.#inFlight]);
  }

  /**
   * The compaction cut: the sequence after the last message applied here. Every record applied
   * before the call is below it; this node's appends in flight, and every other node's record
   * not applied yet, are at or after it.
   */
  rotate(): Promise<number> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    this.#cutTail = this.#tailBytes;
    return Promise.resolve(this.#appliedSeq + 1);
  }

  /**
   * Writes the snapshot that `write` fills to the stream's object store, names it with a marker
   * message, and purges the records below `upTo` from the stream (see `SnapshotStore.install`).
   * When another node installed a snapshot at `upTo` or later meanwhile, this one is dropped: that
   * one covers more.
   */
  async installSnapshot(
    upTo: number,
    write: (writer: SnapshotWriter) => Promise<void>,
  ): Promise<void> {
    const refused = this.#refusal();
    if (refused) throw refused;
    const { installed, bytes } = await within(
      this.#s.snapshots.install(upTo, write),
      this.#s.timeoutMs,
      () =>
        new JetStreamLogError(
          'JETSTREAM_TIMEOUT',
          `The snapshot of stream ${this.#s.stream} below ${upTo} was not installed within ${this.#s.timeoutMs} ms (is a quorum of the cluster up?); the stream is unchanged unless its marker went out meanwhile, which is as good.`,
        ),
    );
    if (installed) {
      this.#tailBytes -= Math.min(this.#cutTail, this.#tailBytes);
      this.#snapshotBytes = bytes;
    }
    this.#cutTail = 0;
  }

  /** Whether opening started from a snapshot. */
  get fromSnapshot(): boolean {
    return this.#fromSnapshot;
  }

  stats(): JetStreamLogStats {
    return {
      appends: this.#appends,
      commits: this.#published,
      fsyncs: 0,
      logBytes: this.#snapshotBytes + this.#tailBytes,
      snapshotBytes: this.#snapshotBytes,
      fsyncLagMs: 0,
      queuedRecords: this.#queuedRecords,
      queuedBytes: this.#queuedBytes,
      waitingAppends: this.#waiters.length,
      poisoned: this.#poisoned,
      closed: this.#closed,
      stream: this.#s.stream,
      appliedSeq: this.#appliedSeq,
      behindRecords: this.#behindRecords,
      behindMs: this.#behindRecords > 0 ? Math.max(0, Date.now() - this.#appliedStoredAt) : 0,
      lastHeardMs: performance.now() - this.#heardAt,
      resubscribes: this.#resubscribes,
    };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#closeNow();
    return this.#closing;
  }

  /** Lets pending appends settle (within `timeoutMs`), stops following, releases the connection. */
  async #closeNow(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all([...this.#inFlight]).then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.#s.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    const stuck = this.#queuedRecords;
    this.#stopAll(closedError());
    await this.#messages?.close().catch(ignore);
    await this.#s.release().catch(ignore);
    if (!drained) {
      throw new JetStreamLogError(
        'JETSTREAM_TIMEOUT',
        `close() gave up on ${stuck} appends not acknowledged within ${this.#s.timeoutMs} ms; they may or may not be in stream ${this.#s.stream}.`,
      );
    }
  }

  /**
   * Publishes one record's line as a message of its own (after the one being gathered, so this
   * node's appends keep call order), only if the stream's last message is `expectedLastSeq` (else
   * rejects with `StaleCheck`, nothing stored).
   */
  #publishAlone(
    line: Uint8Array,
    onDurable: (() => void) | undefined,
    expectedLastSeq: number,
  ): Promise<void> {
    this.#flush();
    const entry = newPending();
    const promise = this.#enqueue(entry, line, onDurable);
    this.#send(entry, line, expectedLastSeq);
    return promise;
  }

  /**
   * Adds an append of `line` to the message `entry` and counts it as queued; its promise is one
   * `sync()` and `close()` wait for.
   */
  #enqueue(entry: Pending, line: Uint8Array, onDurable: (() => void) | undefined): Promise<void> {
    const promise = new Promise<void>((resolve, reject) => {
      entry.appends.push({ onDurable, resolve, reject, failure: undefined });
    });
    entry.bytes += line.length;
    this.#queuedBytes += line.length;
    this.#queuedRecords++;
    const settled = promise.then(ignore, ignore);
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
    return promise;
  }

  /**
   * Publishes `entry`'s message (`payload`, its lines) with a fresh message id, and settles its
   * appends from the acknowledgement and the delivery; with `expectedLastSeq`, only if the
   * stream's last message is that one.
   */
  #send(entry: Pending, payload: Uint8Array, expectedLastSeq?: number): void {
    const id = `${this.#s.node}.${++this.#counter}`;
    this.#published++;
    const options =
      expectedLastSeq === undefined
        ? { msgID: id, timeout: this.#s.ackTimeoutMs }
        : { msgID: id, timeout: this.#s.ackTimeoutMs, expect: { lastSequence: expectedLastSeq } };
    this.#pending.set(id, entry);
    this.#s.js.publish(this.#s.subject, payload, options).then(
      (ack) => {
        entry.acked = true;
        if (entry.delivered) {
          this.#settle(id, entry);
          return;
        }
        entry.ackSeq = ack.seq;
        entry.ackedAt = performance.now();
        if (ack.seq < this.#coveredBelow) {
          // Purged by a compaction this node loaded the snapshot of: that snapshot holds it.
          this.#covered(id, entry);
          return;
        }
        // Already past its sequence without reading it: another message holds that place.
        if (this.#appliedSeq >= ack.seq) this.#lost(ack.seq, id, entry);
        else this.#unread.set(ack.seq, { id, entry });
      },
      (error: unknown) => {
        if (this.#pending.get(id) !== entry) return;
        if (entry.delivered) {
          // It is in the stream (we read it back): stored, whatever the ack said.
          entry.acked = true;
          this.#settle(id, entry);
          return;
        }
        this.#forget(id, entry);
        const stale = staleCheckOf(error);
        if (stale !== undefined) {
          rejectAll(entry, stale);
          return;
        }
        // Not seen in the stream: if it was stored after all, it comes back as another
        // writer's message and applies then, in its place.
        rejectAll(
          entry,
          new JetStreamLogError(
            'JETSTREAM_PUBLISH_FAILED',
            `JetStream did not acknowledge the append to stream ${this.#s.stream} (${errorText(error)}); it may still be stored, and then applies in its place. Check that a quorum of the cluster is up.`,
            { cause: error },
          ),
        );
      },
    );
  }

  /** The record's line, checked against the server's `max_payload`. @throws RecordError, `JETSTREAM_TOO_LARGE` */
  #encode(record: LogRecord): Uint8Array {
    const line = encodeRecord(record, this.#s.limits);
    if (line.length + HEADER_ROOM > this.#s.maxPayload) {
      throw new JetStreamLogError(
        'JETSTREAM_TOO_LARGE',
        `The record is ${line.length} bytes as a message, over the server's max_payload of ${this.#s.maxPayload} (less ${HEADER_ROOM} for headers): nothing was sent. Write smaller values, or raise max_payload in the server's configuration.`,
      );
    }
    return line;
  }

  /**
   * Resolves once every message up to `seq` was applied here; rejects if the log stops first or
   * the stream does not deliver them within `ackTimeoutMs`.
   */
  #reach(seq: number): Promise<void> {
    if (this.#appliedSeq >= seq) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#reachers.indexOf(entry);
        if (i >= 0) this.#reachers.splice(i, 1);
        reject(
          new JetStreamLogError(
            'JETSTREAM_TIMEOUT',
            `A conditional write waited ${this.#s.ackTimeoutMs} ms for stream ${this.#s.stream} to deliver up to message ${seq} (applied: ${this.#appliedSeq}); nothing was appended. Is a quorum of the cluster up?`,
          ),
        );
      }, this.#s.ackTimeoutMs);
      const entry = {
        seq,
        done: (error?: Error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        },
      };
      this.#reachers.push(entry);
    });
  }

  #wakeReachers(): void {
    const applied = this.#appliedSeq;
    for (let i = this.#reachers.length - 1; i >= 0; i--) {
      const entry = this.#reachers[i]!;
      if (entry.seq <= applied) {
        this.#reachers.splice(i, 1);
        entry.done();
      }
    }
  }

  #settle(id: string, entry: Pending): void {
    this.#forget(id, entry);
    for (const append of entry.appends) {
      if (append.failure !== undefined) {
        append.reject(append.failure);
        continue;
      }
      this.#appends++;
      append.resolve();
    }
  }

  /** Drops `entry` from the in-flight set and lets waiting appends in. */
  #forget(id: string, entry: Pending): void {
    this.#pending.delete(id);
    this.#queuedBytes -= entry.bytes;
    this.#queuedRecords -= entry.appends.length;
    while (this.#waiters.length > 0 && !this.#full()) {
      this.#admitted++;
      this.#waiters.shift()!();
    }
  }

  #full(): boolean {
    return this.#queuedRecords + this.#admitted >= this.#s.maxInFlight;
  }

  #refusal(): Error | undefined {
    if (this.#poisoned) return this.#poisoned;
    if (this.#closed) return closedError();
    return undefined;
  }

  /** The records of another writer's message (one per line), or `undefined` after poisoning the log. */
  #decode(msg: JsMsg): LogRecord[] | undefined {
    const data = msg.data;
    const bad = (reason: string, detail: string): undefined => {
      this.#poison(new JetStreamBadMessageError(this.#s.stream, msg.seq, reason, detail));
      return undefined;
    };
    if (data.length === 0 || data[data.length - 1] !== NEWLINE) {
      return bad('not-a-line', `${data.length} bytes not ending in a newline`);
    }
    const records: LogRecord[] = [];
    for (let start = 0; start < data.length; ) {
      const end = data.indexOf(NEWLINE, start);
      const result = decodeLine(data.subarray(start, end), 0, 'v2', this.#s.limits);
      if (!result.ok) return bad(result.reason, result.message);
      records.push(result.record);
      start = end + 1;
    }
    return records;
  }

  /** Refuses every later append for good, fails those in flight, tells the follower (or the opener). */
  #poison(error: Error): void {
    if (this.#poisoned) return;
    this.#poisoned = error;
    this.#stopAll(error);
    if (this.#replay) this.#replay.done(error);
    else this.#follower.poisoned(error);
  }

  /** Stops reading the stream and rejects every append not settled with `error`. */
  #stopAll(error: Error): void {
    clearInterval(this.#watchdog);
    this.#unread.clear();
    void this.#messages?.close().catch(ignore);
    const gathering = this.#gathering;
    this.#gathering = undefined;
    if (gathering !== undefined) {
      this.#queuedBytes -= gathering.entry.bytes;
      this.#queuedRecords -= gathering.entry.appends.length;
      rejectAll(gathering.entry, error);
    }
    for (const [id, entry] of [...this.#pending]) {
      this.#forget(id, entry);
      rejectAll(entry, error);
    }
    for (const wake of this.#waiters.splice(0)) {
      this.#admitted++;
      wake();
    }
    for (const entry of this.#reachers.splice(0)) entry.done(error);
  }
}

/** A message with no appends yet. */
function newPending(): Pending {
  return { appends: [], bytes: 0, acked: false, ackSeq: 0, ackedAt: 0, delivered: false };
}

/** Rejects every append of a message with `error`. */
function rejectAll(entry: Pending, error: unknown): void {
  for (const append of entry.appends) append.reject(error);
}

function closedError(): JetStreamLogError {
  return new JetStreamLogError(
    'JETSTREAM_CLOSED',
    'The JetStream log is closed: open it again to append.',
  );
}

/** The `StaleCheck` of JetStream's "wrong last sequence: N" refusal, or `undefined` for any other error. */
function staleCheckOf(error: unknown): StaleCheck | undefined {
  if (!(error instanceof JetStreamApiError)) return undefined;
  if (error.code !== JetStreamApiCodes.StreamWrongLastSequence) return undefined;
  const last = /(\d+)\s*$/.exec(error.message);
  return new StaleCheck(last ? Number(last[1]) : 0);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `promise`, or a rejection with `late()` once `ms` pass first (the cluster not answering; the
 * late result is dropped by whoever started it).
 */
function within<T>(promise: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function ignore(): void {}
