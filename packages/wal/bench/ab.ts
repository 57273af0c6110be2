// A/B of two copies of src/ in one process: rounds alternate A and B (order flipped each round)
// under the same driver as append.ts, and the median of paired B/A throughput ratios is printed.
// Run: node --conditions=@hermes/source --import tsx packages/wal/bench/ab.ts <srcA|.> <srcB|.> [rounds] [appenders] [sync-ms]
// `.` means this checkout's src/. Copies must sit under packages/wal/ to resolve @hermes/record.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Wal from '../src/index.js';

const load = async (src: string): Promise<typeof Wal> =>
  (await import(src === '.' ? '../src/index.js' : `${src}/index.ts`)) as typeof Wal;
const [a, b] = [await load(process.argv[2] ?? '.'), await load(process.argv[3] ?? '.')];
const rounds = Number(process.argv[4] ?? 15);
const appenders = Number(process.argv[5] ?? 256);
const sync = Number(process.argv[6] ?? 1000);
const values = Array.from({ length: 64 }, () => randomBytes(100));
const key = (i: number): string => `k${i.toString(36).padStart(15, '0')}`;

async function round(lib: typeof Wal, ms: number): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'wal-ab-'));
  const { wal } = await lib.openWal({ dir: root, sync });
  let next = 0;
  let ops = 0;
  const run = async (span: number): Promise<number> => {
    ops = 0;
    const start = performance.now();
    const end = start + span;
    await Promise.all(
      Array.from({ length: appenders }, async () => {
        while (performance.now() < end) {
          await wal.append({ type: 'set', key: key(next), value: values[next++ & 63]! });
          ops++;
        }
      }),
    );
    return (ops * 1000) / (performance.now() - start);
  };
  await run(200);
  const rate = await run(ms);
  await wal.close();
  await rm(root, { recursive: true, force: true });
  return rate;
}

const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const [ra, rb] =
    r % 2 === 0
      ? [await round(a, 700), await round(b, 700)]
      : await round(b, 700).then(async (x) => [await round(a, 700), x]);
  ratios.push(rb! / ra!);
  console.log(`round ${r + 1}: A ${Math.round(ra!)} | B ${Math.round(rb!)} ops/s`);
}
ratios.sort((x, y) => x - y);
console.log(`median B/A ${ratios[Math.floor(rounds / 2)]!.toFixed(3)}x over ${rounds} rounds`);
