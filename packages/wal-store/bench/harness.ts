// What the bench scripts (compare.ts, throughput.ts, profile.ts) share: the plain group-commit
// baseline, the value pool and keys, the floor op, and the interleaved round driver.
import { randomBytes } from 'node:crypto';
import { close, fdatasync, open, writev } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LockableStore, ShardedStore } from '@hermes/store';
import { SyncEveryWrite, type Wal } from '@hermes/wal';
import type { openDurableStore } from '@hermes/wal-store';

/** Concurrent callers per side. */
export const CALLERS = 256;

/** The plain baseline: callers queue lines; one loop writes each batch with one writev and one fdatasync. */
export class GroupCommit {
  #lines: Buffer[] = [];
  #waiters: (() => void)[] = [];
  #running = false;
  constructor(readonly fd: number) {}
  append(line: Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.#lines.push(line);
      this.#waiters.push(resolve);
      if (!this.#running) this.#cycle();
    });
  }
  #cycle(): void {
    this.#running = true;
    const lines = this.#lines;
    const waiters = this.#waiters;
    this.#lines = [];
    this.#waiters = [];
    writev(this.fd, lines, (writeError) => {
      if (writeError) throw writeError;
      fdatasync(this.fd, (syncError) => {
        if (syncError) throw syncError;
        for (const w of waiters) w();
        if (this.#lines.length > 0) this.#cycle();
        else this.#running = false;
      });
    });
  }
}

/** 64 random 100-byte values; op `i` writes `values[i & 63]`. */
export const values: Buffer[] = Array.from({ length: 64 }, () => randomBytes(100));
/** The 16-byte key of op `i`, cycling over 100,000 keys. */
export const keyOf = (i: number): string => `k${(i % 100_000).toString().padStart(15, '0')}`;
// Same size as a v1 record line: crc, op, 16-byte key, base64 of 100 bytes.
const line = Buffer.from(`00000000 SET ${keyOf(0)} ${values[0]!.toString('base64')}\n`);

/** One contender: its op and how to tear it down. */
export interface Side {
  readonly name: string;
  readonly op: (i: number) => Promise<unknown>;
  readonly close: () => Promise<void>;
}

/** The plain group-commit baseline as a side, writing to a temp file. */
export async function baseline(): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'wal-store-bench-'));
  const fd = await new Promise<number>((res, rej) =>
    open(join(dir, 'plain.log'), 'a', (e, f) => (e ? rej(e) : res(f))),
  );
  const log = new GroupCommit(fd);
  return {
    name: 'plain group commit',
    op: () => log.append(line),
    close: async () => {
      await new Promise<void>((res) => close(fd, () => res()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The floor of any decorator: the log plus the store's key lock and apply (what the durable
 * store does), with no validation, no copy, no error handling.
 */
export function floorOp(wal: Wal, store: ShardedStore): (i: number) => Promise<unknown> {
  return (i) => {
    const key = keyOf(i);
    const value = values[i & 63]!;
    let appended: Promise<unknown> | undefined;
    store.acquire(key, 'shared', (release) => {
      appended = wal
        .append({ type: 'set', key, value }, () => {
          store.applyUnlocked({ type: 'set', key, value });
        })
        .finally(release);
    });
    if (appended === undefined) throw new Error('uncontended in this bench');
    return appended;
  };
}

/** What one `drive` measured. */
export interface Drive {
  /** Ops per second. */
  readonly ops: number;
  /** CPU microseconds per op: less sensitive to a busy machine than ops/s. */
  readonly cpuPerOp: number;
  /** Ops completed. */
  readonly done: number;
}

/** Runs `op` from `callers` concurrent loops for `ms`. @default callers CALLERS */
export async function drive(
  ms: number,
  op: (i: number) => Promise<unknown>,
  callers: number = CALLERS,
): Promise<Drive> {
  let next = 0;
  let done = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        await op(next++);
        done++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    ops: (done * 1000) / (performance.now() - start),
    cpuPerOp: (used.user + used.system) / done,
    done,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Warms every side up, then runs `rounds` interleaved rounds of `seconds` each (so load from other
 * processes hits every side alike), closes the sides and prints medians and ratios to the first
 * side (the baseline).
 */
export async function runRounds(sides: Side[], seconds: number, rounds: number): Promise<void> {
  const results = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  const cpu = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  const ratios = new Map<string, number[]>(sides.slice(1).map((s) => [s.name, []]));
  console.log(
    `set of 100-byte values, SyncEveryWrite, ${CALLERS} concurrent callers, ${rounds} rounds of ${seconds}s`,
  );
  for (const side of sides) await drive(300, side.op); // warm-up
  for (let r = 0; r < rounds; r++) {
    // Interleaved, so load from other processes hits every side alike.
    const row: number[] = [];
    for (const side of sides) {
      const { ops, cpuPerOp } = await drive(seconds * 1000, side.op);
      results.get(side.name)!.push(ops);
      cpu.get(side.name)!.push(cpuPerOp);
      row.push(ops);
    }
    for (const [i, side] of sides.slice(1).entries())
      ratios.get(side.name)!.push(row[i + 1]! / row[0]!);
    console.log(
      `  round ${r + 1}: ${sides.map((s, i) => `${s.name} ${fmt(row[i]!)}/s`).join(' | ')}`,
    );
  }
  for (const side of sides) await side.close();
  console.log(
    `median plain group commit: ${fmt(median(results.get(sides[0]!.name)!))} ops/s, ${median(cpu.get(sides[0]!.name)!).toFixed(1)} µs CPU/op`,
  );
  for (const [name, rs] of ratios) {
    console.log(
      `median ${name}: ${fmt(median(results.get(name)!))} ops/s, ${median(cpu.get(name)!).toFixed(1)} µs CPU/op, ratio to baseline ${median(rs).toFixed(2)}x (target >= 0.6x)`,
    );
  }
}

/**
 * `store` made durable by `open` (this checkout's `openDurableStore`, or another's in
 * compare.ts) in a fresh folder, `SyncEveryWrite`, compaction off: one `set` per op.
 */
export async function durableSide(
  name: string,
  open: typeof openDurableStore,
  store: LockableStore,
): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'wal-store-bench-'));
  const db = await open({ dir, store, sync: SyncEveryWrite, compaction: false });
  return {
    name,
    op: (i) => db.set(keyOf(i), values[i & 63]!),
    close: async () => {
      const s = db.stats();
      console.log(`  (${name}: ${(s.appends / s.fsyncs).toFixed(1)} writes per fsync)`);
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
