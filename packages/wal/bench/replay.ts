// Replay throughput: decode + checksum every record of a log written straight to disk.
// Run: node --conditions=@hermes/source --import tsx packages/wal/bench/replay.ts [MiB] [valueBytes]
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogDecoder } from '@hermes/record';
import { segmentName } from '../src/layout.js';
import { writeBigLog } from '../test/helpers/big-log.js';
import { makeTempDir, removeDir } from '../test/helpers/log-dir.js';

const mib = Number(process.argv[2] ?? 512);
const valueBytes = Number(process.argv[3] ?? 100);
const dir = await makeTempDir('hermes-wal-bench-');
try {
  const log = await writeBigLog(dir, mib * 1024 * 1024, { valueBytes });
  const child = fileURLToPath(new URL('../test/fixtures/replay-child.ts', import.meta.url));
  const runs: number[] = [];
  let rss = 0;
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(
      process.execPath,
      ['--conditions=@hermes/source', '--import', 'tsx', child, dir],
      { encoding: 'utf8' },
    );
    const result = JSON.parse(out) as {
      records: number;
      bytes: number;
      maxRssBytes: number;
      ms: number;
    };
    if (result.records !== log.records)
      throw new Error(`replayed ${result.records} of ${log.records}`);
    runs.push(result.bytes / 1e6 / (result.ms / 1000));
    rss = Math.max(rss, result.maxRssBytes);
  }
  runs.sort((a, b) => a - b);
  // The codec alone on one segment already in memory, for comparison: what replay cannot beat.
  const segment = await readFile(join(dir, segmentName(1)));
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const decoder = new LogDecoder();
    let ok = 0;
    const count = (r: { ok: boolean }): void => {
      if (r.ok) ok++;
    };
    for (let p = 0; p < segment.length; p += 4 << 20) {
      decoder.push(segment.subarray(p, p + (4 << 20)), count);
    }
    decoder.end(count);
    if (ok === 0) throw new Error('decoded nothing');
    bare.push(segment.length / 1e6 / ((performance.now() - started) / 1000));
  }
  bare.sort((a, b) => a - b);
  console.log(
    `replay ${(log.bytes / 1024 / 1024).toFixed(0)} MiB, ${log.records} records of ${valueBytes}-byte values: ` +
      `median ${runs[1]!.toFixed(0)} MB/s (runs ${runs.map((r) => r.toFixed(0)).join(', ')}), max RSS ${(rss / 1024 / 1024).toFixed(0)} MiB; ` +
      `LogDecoder alone on a segment in memory: median ${bare[1]!.toFixed(0)} MB/s`,
  );
} finally {
  await removeDir(dir);
}
