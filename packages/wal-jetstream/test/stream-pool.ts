import type { JetStreamManager } from '@nats-io/jetstream';
import { bucketOf } from '../src/snapshots.js';
import { freshStream } from './helpers.js';

/** Tries to make one stream (see `StreamPool.#makeWithRetries`). */
const MAKE_ATTEMPTS = 3;

/**
 * Fresh, empty streams made ahead of need, for a test file that opens hundreds of stores (the
 * conformance suite). Making a stream of three replicas and its snapshot bucket takes about a
 * second, nearly all of it waiting for Raft elections, so several are made at once: `take()`
 * then rarely waits. Each stream is handed out once; `drop` and `close` delete streams with
 * their buckets, so that the cluster does not carry hundreds of Raft groups.
 */
export class StreamPool {
  readonly #jsm: JetStreamManager;
  readonly #make: (stream: string) => Promise<void>;
  readonly #depth: number;
  readonly #ready: Promise<string>[] = [];
  readonly #deleting = new Set<Promise<void>>();

  /**
   * @param make creates the stream and its bucket (e.g. opens a store on it and closes it).
   * @param depth how many streams are being made or wait to be taken at any time.
   */
  constructor(jsm: JetStreamManager, make: (stream: string) => Promise<void>, depth: number) {
    this.#jsm = jsm;
    this.#make = make;
    this.#depth = depth;
  }

  /** A stream nothing was ever written to, made beforehand; starts making the next one. */
  take(): Promise<string> {
    while (this.#ready.length < this.#depth + 1) {
      const stream = freshStream();
      const made = this.#makeWithRetries(stream).then(() => stream);
      // A failure is reported by the test that takes this stream, not as an unhandled rejection.
      made.catch(() => {});
      this.#ready.push(made);
    }
    return this.#ready.shift()!;
  }

  /** Deletes `stream` and its snapshot bucket, in the background (`close` waits for it). */
  drop(stream: string): void {
    const deleting = this.#delete(stream).finally(() => this.#deleting.delete(deleting));
    this.#deleting.add(deleting);
  }

  /** Deletes every stream made and not taken, and waits for every deletion under way. */
  async close(): Promise<void> {
    for (const made of this.#ready.splice(0)) {
      const stream = await made.catch(() => undefined);
      if (stream !== undefined) this.drop(stream);
    }
    await Promise.all(this.#deleting);
  }

  /**
   * `make(stream)`, tried again (at most `MAKE_ATTEMPTS` times in all) when a JetStream API
   * request times out: on a busy machine, creating a stream of three replicas can outlast the
   * client's 5 s API timeout while the server goes on and creates it. Trying again is safe, as
   * creating a stream that exists with the same settings succeeds, and opening a store on a
   * stream that exists uses it. Any other error fails at once.
   */
  async #makeWithRetries(stream: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#make(stream);
      } catch (error) {
        if (!timedOut(error) || attempt >= MAKE_ATTEMPTS) throw error;
      }
    }
  }

  async #delete(stream: string): Promise<void> {
    await this.#jsm.streams.delete(stream);
    await this.#jsm.streams.delete(`OBJ_${bucketOf(stream)}`);
  }
}

/** Whether `error`, or an error it wraps, is the NATS client's request timeout. */
function timedOut(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.name === 'TimeoutError') return true;
  }
  return false;
}
