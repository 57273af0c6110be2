// Scratch benchmark of the append path beside a plain Node baseline, in one run.
// Run: node --conditions=@hermes/source --import tsx packages/wal/bench/append.ts [seconds-per-round] [rounds] [only]
// `only` picks the cases whose label contains it (e.g. `Second`, `Write`, `=256`).
// The project's published numbers come from `pnpm bench` (apps/bench); this is for the writer.
import { randomBytes } from 'node:crypto';
import { close, fdatasync, open, writev } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncEverySecond, SyncEveryWrite } from '../src/index.js';

// WAL_SRC=<dir> measures another checkout's src/ (e.g. the commit before a change) in this harness.
const { openWal } = (await import(
  process.env['WAL_SRC'] === undefined ? '../src/index.js' : `${process.env['WAL_SRC']}/index.ts`
)) as typeof import('../src/index.js');

const seconds = Number(process.argv[2] ?? 1);

/** N producers hand lines to one consumer: one writev (+ one fdatasync) per batch, nothing else. */
class Baseline {
  #queue: Buffer[] = [];
  #done: (() => void)[] = [];
  #busy = false;
  constructor(
    readonly fd: number,
    readonly sync: boolean,
  ) {}
  write(line: Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push(line);
      this.#done.push(resolve);
      if (!this.#busy) this.#flush();
    });
  }
  #flush(): void {
    this.#busy = true;
    const chunks = this.#queue;
    const done = this.#done;
    this.#queue = [];
    this.#done = [];
    const finish = (): void => {
      for (const d of done) d();
      if (this.#queue.length > 0) this.#flush();
      else this.#busy = false;
    };
    writev(this.fd, chunks, (error) => {
      if (error) throw error;
      if (this.sync) fdatasync(this.fd, (e) => (e ? Promise.reject(e) : finish()));
      else finish();
    });
  }
}

interface Result {
  readonly opsPerSec: number;
  readonly p99: number;
}

async function drive(n: number, op: (i: number) => Promise<unknown>): Promise<Result> {
  const lat: number[] = [];
  let next = 0;
  let ops = 0;
  const run = async (ms: number, record: boolean): Promise<number> => {
    const start = performance.now();
    const end = start + ms;
    ops = 0;
    await Promise.all(
      Array.from({ length: n }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          await op(next++);
          if (record && (ops & 7) === 0) lat.push(performance.now() - t0);
          ops++;
        }
      }),
    );
    return performance.now() - start;
  };
  await run(300, false);
  const elapsed = await run(seconds * 1000, true);
  lat.sort((a, b) => a - b);
  return { opsPerSec: (ops * 1000) / elapsed, p99: lat[Math.floor(lat.length * 0.99)] ?? 0 };
}

const values = Array.from({ length: 64 }, () => randomBytes(100));
const key = (i: number): string => `k${i.toString(36).padStart(15, '0')}`;
const line = Buffer.from(`SET ${key(0)} ${values[0]!.toString('base64')}\n`);

interface Side {
  readonly op: (i: number) => Promise<unknown>;
  readonly close: () => Promise<void>;
}

async function baselineSide(sync: boolean): Promise<Side> {
  const root = await mkdtemp(join(tmpdir(), 'wal-bench-'));
  const fd = await new Promise<number>((res, rej) =>
    open(join(root, 'b.log'), 'a', (e, fd) => (e ? rej(e) : res(fd))),
  );
  const b = new Baseline(fd, sync);
  return {
    op: () => b.write(line),
    close: async () => {
      await new Promise<void>((res) => close(fd, () => res()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function walSide(sync: number): Promise<Side> {
  const root = await mkdtemp(join(tmpdir(), 'wal-bench-'));
  const { wal } = await openWal({ dir: root, sync });
  return {
    op: (i) => wal.append({ type: 'set', key: key(i), value: values[i & 63]! }),
    close: async () => {
      const stats = wal.stats();
      console.log(
        `    (wal: ${(stats.appends / stats.commits).toFixed(1)} appends/batch, ${stats.fsyncs} fsyncs)`,
      );
      await wal.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

const fmt = (r: Result): string =>
  `${Math.round(r.opsPerSec).toLocaleString('en-US')} ops/s, p99 ${r.p99.toFixed(2)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rounds = Number(process.argv[3] ?? 5);

// Rounds alternate baseline and wal, so that load from other processes hits both alike.
for (const [label, n, sync, policy] of [
  ['SyncEveryWrite', 1, true, SyncEveryWrite],
  ['SyncEveryWrite', 256, true, SyncEveryWrite],
  ['SyncEverySecond (baseline without fsync)', 256, false, SyncEverySecond],
] as const) {
  if (process.argv[4] !== undefined && !`${label}, N=${n}`.includes(process.argv[4])) continue;
  const b = await baselineSide(sync);
  const w = await walSide(policy);
  const ratios: number[] = [];
  const p99s: number[] = [];
  console.log(`${label}, N=${n}`);
  for (let r = 0; r < rounds; r++) {
    const rb = await drive(n, b.op);
    const rw = await drive(n, w.op);
    ratios.push(rw.opsPerSec / rb.opsPerSec);
    p99s.push(rw.p99 / rb.p99);
    console.log(`  round ${r + 1}: baseline ${fmt(rb)} | wal ${fmt(rw)}`);
  }
  console.log(
    `  median ratio ${median(ratios).toFixed(2)}x throughput, ${median(p99s).toFixed(2)}x p99`,
  );
  await b.close();
  await w.close();
}
