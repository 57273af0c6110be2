import { ShardedStore } from '@hermes/store';
import { type DurableStore, openDurableStore } from '@hermes/wal-store';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  type JetStreamLogOptions,
  type JetStreamLogStats,
  openJetStreamLog,
} from '../src/index.js';
import { type NatsCluster, startNatsCluster } from '../src/testing/index.js';

/** UTF-8 bytes of `text`. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `value` as UTF-8 text, or `undefined`. */
export function text(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : new TextDecoder().decode(value);
}

/** Every entry of `db` as text, in key order. */
export function contents(db: DurableStore): [string, string][] {
  return [...db.entries()]
    .map(([k, v]): [string, string] => [k, text(v)!])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A durable store (one "node") on the JetStream log of `options`, compaction off. */
export function openNode(options: JetStreamLogOptions): Promise<DurableStore<ShardedStore>> {
  return openDurableStore({
    store: new ShardedStore(),
    log: openJetStreamLog(options),
    compaction: false,
  });
}

let streams = 0;
/** A stream name no other test of this process uses. */
export function freshStream(): string {
  return `t${process.pid}_${++streams}`;
}

/**
 * Resolves once `db` applied the stream up to `seq` (told by its applied-write listener); rejects
 * with the cause if its log is poisoned first, so a test fails with the reason instead of waiting.
 */
export function caughtUp(db: Awaited<ReturnType<typeof openNode>>, seq: number): Promise<void> {
  const reached = (): boolean => appliedSeq(db) >= seq;
  if (reached()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const poisoned = (error: Error): void => {
      stop();
      reject(error);
    };
    const stop = db.onApplied(() => {
      if (reached()) {
        stop();
        db.off('poisoned', poisoned);
        resolve();
      }
    });
    db.once('poisoned', poisoned);
  });
}

/** The stream sequence `db` applied last (the JetStream log's stats, passed through the store's). */
export function appliedSeq(db: Awaited<ReturnType<typeof openNode>>): number {
  return (db.stats() as unknown as JetStreamLogStats).appliedSeq;
}

/** How long a write waits for JetStream's acknowledgement in the fault tests. */
export const FAULT_ACK_MS = 2000;

/**
 * A three-node cluster for the fault tests of one `describe`: started before them, stopped
 * after. `options(stream)` are log options on every node, with `FAULT_ACK_MS`.
 */
export function faultCluster(): {
  readonly cluster: () => NatsCluster;
  readonly options: (stream: string) => JetStreamLogOptions;
} {
  let cluster: NatsCluster | undefined;
  beforeAll(async () => {
    cluster = await startNatsCluster();
  });
  afterAll(() => cluster?.stop());
  return {
    cluster: () => cluster!,
    options: (stream) => ({ servers: [...cluster!.servers], stream, ackTimeoutMs: FAULT_ACK_MS }),
  };
}

/**
 * Runs `write` until JetStream acknowledges it, as a client does after an outage: while the
 * stream elects a leader, the servers answer "no responders" at once, so tries are spaced by
 * 200 ms, for at most 60 s (elections take longer on a loaded two-core machine). Any other error
 * fails at once.
 */
export function retryUntilAcknowledged(write: () => Promise<unknown>): Promise<void> {
  return retryWhile(write, (error) =>
    expect(error).toMatchObject({ code: 'JETSTREAM_PUBLISH_FAILED' }),
  );
}

/**
 * Runs `compact` until it succeeds, while a stream or its snapshot bucket elects a leader after a
 * server died (requests then time out or find no responder, or the snapshot is not installed
 * within `timeoutMs`: `JETSTREAM_TIMEOUT`), spaced by 200 ms, for at most 60 s.
 */
export function retryCompaction(compact: () => Promise<unknown>): Promise<void> {
  return retryWhile(compact, (error) => {
    if ((error as { code?: unknown }).code === 'JETSTREAM_TIMEOUT') return;
    expect(String((error as Error).message)).toMatch(/timeout|no responders|not enabled|leader/i);
  });
}

async function retryWhile(
  attempt: () => Promise<unknown>,
  checkTransient: (error: unknown) => void,
): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      checkTransient(error);
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
