// CPU per append, apart from the disk: encodeRecord alone, the wal over a file system whose
// writes cost nothing, and a plain group-commit queue with the same driver. Noisy machines: run
// it a few times. Run: node --conditions=@hermes/source --import tsx packages/wal/bench/overhead.ts
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord } from '@hermes/record';
import { type AppendFile, type FileSystem, SyncEverySecond } from '../src/index.js';

// WAL_SRC=<dir> measures another checkout's src/ (e.g. the commit before a change).
const { openWal } = (await import(
  process.env['WAL_SRC'] === undefined ? '../src/index.js' : `${process.env['WAL_SRC']}/index.ts`
)) as typeof import('../src/index.js');

const values = Array.from({ length: 64 }, () => randomBytes(100));
const keys = Array.from({ length: 4096 }, (_, i) => `k${i.toString(36).padStart(15, '0')}`);
// A file system whose writes cost nothing: measures the wal's own CPU per append.
const nullFile: AppendFile = {
  size: 0,
  write: () => new Promise((r) => setImmediate(r)),
  datasync: async () => {},
  close: async () => {},
};
const base = (await import('../src/fs/node-fs.js')).nodeFileSystem;
const nullFs: FileSystem = {
  ...base,
  openAppend: async (p) => {
    await base.openAppend(p).then((f) => f.close());
    return nullFile;
  },
};
async function drive(n: number, ms: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0,
    ops = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (performance.now() < end) {
        await op(next++);
        ops++;
      }
    }),
  );
  return (ops * 1000) / (performance.now() - t0);
}
for (let round = 0; round < 3; round++) {
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < 500)
    for (let j = 0; j < 1000; j++, n++)
      encodeRecord({ type: 'set', key: keys[n & 4095]!, value: values[n & 63]! });
  const enc = (n * 1000) / (performance.now() - t);
  const root = await mkdtemp(join(tmpdir(), 'wal-cpu-'));
  const { wal } = await openWal({ dir: root, sync: SyncEverySecond, fs: nullFs });
  const w = await drive(256, 1000, (i) =>
    wal.append({ type: 'set', key: keys[i & 4095]!, value: values[i & 63]! }),
  );
  await wal.close();
  await rm(root, { recursive: true });
  // Same driver, same setImmediate-per-batch, no wal: a plain group-commit queue.
  let q: (() => void)[] = [];
  let busy = false;
  const flush = (): void => {
    busy = true;
    const b = q;
    q = [];
    setImmediate(() => {
      for (const r of b) r();
      if (q.length) flush();
      else busy = false;
    });
  };
  const line = encodeRecord({ type: 'set', key: keys[0]!, value: values[0]! });
  const chunks: Buffer[] = [];
  const p = await drive(
    256,
    1000,
    () =>
      new Promise<void>((r) => {
        chunks.length = 0;
        chunks.push(line);
        q.push(r);
        if (!busy) flush();
      }),
  );
  console.log(
    `encode ${Math.round(enc)}/s (${(1e6 / enc).toFixed(2)} us) | wal ${Math.round(w)}/s (${(1e6 / w).toFixed(2)} us) | plain queue ${Math.round(p)}/s (${(1e6 / p).toFixed(2)} us)`,
  );
}
