// Group-commit throughput of `set` through the durable store, beside a plain Node baseline, in one run.
// Run (from the repository root) against the built packages, as users get them (`pnpm build` first;
// the TypeScript sources under tsx carry per-closure helper calls that inflate CPU time):
//   node --import tsx packages/wal-store/bench/throughput.ts [seconds-per-round] [rounds]
// Published numbers come from `pnpm bench` (apps/bench); this is the layer's own check.
import { randomBytes } from 'node:crypto';
import { close, fdatasync, open, writev } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockedStore, ShardedStore } from '@hermes/store';
import { openWal, SyncEveryWrite } from '@hermes/wal';
import { openDurableStore } from '@hermes/wal-store';

const seconds = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 5);
const CALLERS = 256;

/** The plain baseline: callers queue lines; one loop writes each batch with one writev and one fdatasync. */
class GroupCommit {
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

const values = Array.from({ length: 64 }, () => randomBytes(100));
const keyOf = (i: number): string => `k${(i % 100_000).toString().padStart(15, '0')}`;
// Same size as a v1 record line: crc, op, 16-byte key, base64 of 100 bytes.
const line = Buffer.from(`00000000 SET ${keyOf(0)} ${values[0]!.toString('base64')}\n`);

/** CPU microseconds per op of the last `drive`, per side: less sensitive to a busy machine than ops/s. */
let lastCpuPerOp = 0;

/** Runs `op` from CALLERS concurrent loops for `ms`; resolves ops per second. */
async function drive(ms: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  let done = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (performance.now() < end) {
        await op(next++);
        done++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  lastCpuPerOp = (used.user + used.system) / done;
  return (done * 1000) / (performance.now() - start);
}

interface Side {
  readonly name: string;
  readonly op: (i: number) => Promise<unknown>;
  readonly close: () => Promise<void>;
}

async function baseline(): Promise<Side> {
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

/** The log alone (no store), to show what the layer adds on top of it. */
async function bareWal(): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'wal-store-bench-'));
  const { wal } = await openWal({ dir, sync: SyncEveryWrite });
  return {
    name: 'wal append alone',
    op: (i) => wal.append({ type: 'set', key: keyOf(i), value: values[i & 63]! }),
    close: async () => {
      await wal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The floor of any decorator: the log plus the store's single-key lock and apply (the fast path
 * the durable store takes), with no validation, no copy, no error handling. What the durable
 * store costs beyond this is this layer's own.
 */
async function floor(): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'wal-store-bench-'));
  const { wal } = await openWal({ dir, sync: SyncEveryWrite });
  const store = new ShardedStore();
  return {
    name: 'wal + ShardedStore lock/apply (floor)',
    op: (i) => {
      const key = keyOf(i);
      const value = values[i & 63]!;
      const index = store.lockIndexOf(key);
      if (!store.tryLockIndex(index, 'shared')) throw new Error('uncontended in this bench');
      return wal
        .append({ type: 'set', key, value }, () => {
          store.setUnlocked(key, value, index);
        })
        .then(
          () => store.unlockIndex(index, 'shared'),
          (error: unknown) => {
            store.unlockIndex(index, 'shared');
            throw error;
          },
        );
    },
    close: async () => {
      await wal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function durable(name: string, store: ShardedStore | LockedStore): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'wal-store-bench-'));
  const db = await openDurableStore({ dir, store, sync: SyncEveryWrite, compaction: false });
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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const sides = [
  await baseline(),
  await bareWal(),
  await floor(),
  await durable('durable ShardedStore', new ShardedStore()),
  await durable('durable LockedStore', new LockedStore()),
];
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
    const ops = await drive(seconds * 1000, side.op);
    results.get(side.name)!.push(ops);
    cpu.get(side.name)!.push(lastCpuPerOp);
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
