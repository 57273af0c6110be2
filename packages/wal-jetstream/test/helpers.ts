import { ShardedStore } from '@hermes/store';
import { type DurableStore, openDurableStore } from '@hermes/wal-store';
import { type JetStreamLogOptions, openJetStreamLog } from '../src/index.js';

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
