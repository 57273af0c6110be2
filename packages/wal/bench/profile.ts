// One side of bench/append.ts alone, for `node --cpu-prof`: 256 appenders for 3 s.
// Run: node --cpu-prof --conditions=@hermes/source --import tsx packages/wal/bench/profile.ts [wal|baseline|baseline-sync] [sync-ms] [segment-bytes]
import { randomBytes } from 'node:crypto';
import { open, writev, writevSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWal, SyncEverySecond } from '../src/index.js';

const values = Array.from({ length: 64 }, () => randomBytes(100));
const key = (i: number): string => `k${i.toString(36).padStart(15, '0')}`;
const root = await mkdtemp(join(tmpdir(), 'wal-prof-'));
const side = process.argv[2] ?? 'wal';
let op: (i: number) => Promise<void>;
let close: () => Promise<void>;
if (side === 'baseline' || side === 'baseline-sync') {
  const fd = await new Promise<number>((res, rej) =>
    open(join(root, 'b.log'), 'a', (e, fd) => (e ? rej(e) : res(fd))),
  );
  const line = Buffer.from(`SET ${key(0)} ${values[0]!.toString('base64')}\n`);
  let queue: Buffer[] = [];
  let done: (() => void)[] = [];
  let busy = false;
  const flush = (): void => {
    busy = true;
    const chunks = queue;
    const d = done;
    queue = [];
    done = [];
    const finish = (): void => {
      for (const f of d) f();
      if (queue.length > 0) flush();
      else busy = false;
    };
    if (side === 'baseline-sync') {
      // The same consumer writing synchronously (no thread-pool hop), to see what the hop costs.
      writevSync(fd, chunks);
      queueMicrotask(finish);
    } else {
      writev(fd, chunks, (error) => {
        if (error) throw error;
        finish();
      });
    }
  };
  op = () =>
    new Promise((resolve) => {
      queue.push(line);
      done.push(resolve);
      if (!busy) flush();
    });
  close = async () => {};
} else {
  const fsyncs: number[] = [];
  const { wal } = await openWal({
    dir: root,
    sync: Number(process.argv[3] ?? SyncEverySecond),
    ...(process.argv[4] === undefined ? {} : { segmentBytes: Number(process.argv[4]) }),
    observer: { synced: (ms) => fsyncs.push(Math.round(ms)) },
  });
  process.on('exit', () => console.log(`  fsyncs (ms): ${fsyncs.join(' ')}`));
  op = (i) => wal.append({ type: 'set', key: key(i), value: values[i & 63]! });
  close = () => wal.close();
}
let next = 0;
let ops = 0;
const end = performance.now() + 3000;
const t0 = performance.now();
const cpu = process.cpuUsage();
await Promise.all(
  Array.from({ length: 256 }, async () => {
    while (performance.now() < end) {
      await op(next++);
      ops++;
    }
  }),
);
const used = process.cpuUsage(cpu);
console.log(
  `${side}: ${Math.round((ops * 1000) / (performance.now() - t0))} ops/s, ${(((used.user + used.system) * 1000) / ops).toFixed(0)} ns cpu/op`,
);
await close();
await rm(root, { recursive: true });
