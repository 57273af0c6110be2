// Open (replay) speed of the durable store beside a bare baseline, and open time before and after
// compaction, in one run.
// Run (from the repository root) against the built packages (`pnpm build` first):
//   node --expose-gc --import tsx packages/wal-store/bench/open.ts [liveKeys] [rounds]
// Published numbers come from `pnpm bench` (apps/bench); this is the layer's own check.
import { randomBytes } from 'node:crypto';
import { mkdtemp, open as openFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockedStore, ShardedStore } from '@hermes/store';
import { openWal, SyncEverySecond } from '@hermes/wal';
import { openDurableStore } from '@hermes/wal-store';

const liveKeys = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const keyOf = (i: number): string => `k${i.toString().padStart(15, '0')}`;
const values = Array.from({ length: 256 }, () => randomBytes(100));

/** Writes `writes` set records over `keys` keys straight through the log (no store). */
async function writeLog(dir: string, keys: number, writes: number): Promise<void> {
  const { wal } = await openWal({ dir, sync: SyncEverySecond });
  const CHUNK = 8192;
  for (let start = 0; start < writes; start += CHUNK) {
    const pending: Promise<void>[] = [];
    for (let i = start; i < Math.min(writes, start + CHUNK); i++) {
      pending.push(wal.append({ type: 'set', key: keyOf(i % keys), value: values[i & 255]! }));
    }
    await Promise.all(pending);
  }
  await wal.close();
}

/**
 * The bare baseline: stream every log file in order with 1 MiB reads, split lines, take key and
 * value fields, decode base64, fill a Map. No checksum, no escapes, no validation.
 */
async function bareReplay(dir: string): Promise<number> {
  const map = new Map<string, Buffer>();
  const names = (await readdir(dir))
    .filter((n) => n.endsWith('.wal') || n.endsWith('.snap'))
    .sort();
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (const name of names) {
    const file = await openFile(join(dir, name), 'r');
    let carry: Buffer = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk =
        carry.length > 0
          ? Buffer.concat([carry, buffer.subarray(0, bytesRead)])
          : buffer.subarray(0, bytesRead);
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        // "crc SET key value": fields after the 9-byte checksum.
        if (chunk[start + 9] === 0x53 /* S */) {
          const keyEnd = chunk.indexOf(32, start + 13);
          const key = chunk.toString('latin1', start + 13, keyEnd);
          map.set(key, Buffer.from(chunk.toString('latin1', keyEnd + 1, nl), 'base64'));
        }
        start = nl + 1;
      }
      carry = Buffer.from(chunk.subarray(start));
    }
    await file.close();
  }
  return map.size;
}

async function durableOpen(dir: string, store: ShardedStore | LockedStore) {
  const db = await openDurableStore({ dir, store, compaction: false });
  const { size } = db;
  const { report } = db;
  await db.close();
  return { size, report };
}

/** Wall and CPU milliseconds of `fn` (CPU time is steadier than wall time on a busy machine). */
async function time<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  gc();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await fn();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return [result, wall, (used.user + used.system) / 1000];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

const dir = await mkdtemp(join(tmpdir(), 'wal-store-open-'));
try {
  // 1. Replay of a log of `liveKeys` live keys, each written once.
  await writeLog(dir, liveKeys, liveKeys);
  const wall = { bare: [] as number[], sharded: [] as number[], locked: [] as number[] };
  const cpu = { bare: [] as number[], sharded: [] as number[], locked: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const [n, wb, cb] = await time(() => bareReplay(dir));
    const [s, ws, cs] = await time(() => durableOpen(dir, new ShardedStore()));
    const [l, wl, cl] = await time(() => durableOpen(dir, new LockedStore()));
    if (n !== liveKeys || s.size !== liveKeys || l.size !== liveKeys) throw new Error('wrong size');
    wall.bare.push(wb);
    wall.sharded.push(ws);
    wall.locked.push(wl);
    cpu.bare.push(cb);
    cpu.sharded.push(cs);
    cpu.locked.push(cl);
    console.log(
      `  round ${r + 1}: bare ${ms(wb)} (cpu ${ms(cb)}) | durable ShardedStore ${ms(ws)} (cpu ${ms(cs)}) | durable LockedStore ${ms(wl)} (cpu ${ms(cl)})`,
    );
  }
  const speed = (side: 'sharded' | 'locked', by: typeof wall): string =>
    (median(by.bare) / median(by[side])).toFixed(2);
  console.log(
    `open of ${liveKeys.toLocaleString('en-US')} live keys (16-byte keys, 100-byte values), median wall (cpu): ` +
      `bare baseline ${ms(median(wall.bare))} (${ms(median(cpu.bare))}), ` +
      `durable ShardedStore ${ms(median(wall.sharded))} (${ms(median(cpu.sharded))}): ${speed('sharded', wall)}x the baseline's speed (${speed('sharded', cpu)}x by cpu), ` +
      `durable LockedStore ${ms(median(wall.locked))} (${ms(median(cpu.locked))}): ${speed('locked', wall)}x (${speed('locked', cpu)}x by cpu); target >= 0.8x`,
  );

  // 2. Open before and after compaction of a log with 10x churn.
  await rm(dir, { recursive: true, force: true });
  const churnKeys = Math.floor(liveKeys / 10);
  await writeLog(dir, churnKeys, churnKeys * 10);
  const before: number[] = [];
  for (let r = 0; r < rounds; r++)
    before.push((await time(() => durableOpen(dir, new ShardedStore())))[1]);
  const db = await openDurableStore({ dir, store: new ShardedStore(), compaction: false });
  const report = await db.compact();
  await db.close();
  const after: number[] = [];
  let replayed = 0;
  for (let r = 0; r < rounds; r++) {
    const [opened, t] = await time(() => durableOpen(dir, new ShardedStore()));
    after.push(t);
    replayed = opened.report.records;
  }
  console.log(
    `open of ${churnKeys.toLocaleString('en-US')} keys each written 10 times: before compaction ${ms(median(before))}, ` +
      `after ${ms(median(after))} (${replayed.toLocaleString('en-US')} records replayed; ` +
      `${(median(before) / median(after)).toFixed(1)}x faster; target >= 5x); compaction took ${ms(report.durationMs)}, ` +
      `${(report.bytesBefore / 1e6).toFixed(0)} MB -> ${(report.bytesAfter / 1e6).toFixed(0)} MB`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
