/**
 * Before/after: this checkout's codec against another copy of `src/`, in one process, so both
 * see the same machine state. Run:
 *   rm -rf /tmp/old && mkdir -p /tmp/old && git archive <rev> packages/record/src | tar -x -C /tmp/old
 *   echo '{"type":"module"}' > /tmp/old/packages/record/package.json   # else tsx loads it as CJS
 *   npx tsx packages/record/bench/compare.ts /tmp/old/packages/record/src [--rounds N]
 *
 * Same cases as codec.ts (16-byte keys; 100 B and 4 KiB values): encodeRecord of every record,
 * and LogDecoder over the whole log in 4 MiB chunks. Prints new/old speed ratios, each the median
 * over rounds of the ratio within a round (variants interleaved, rotating order, CPU time).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DecodeResult } from '../src/index.js';
import * as NEW from '../src/index.js';

type Codec = typeof NEW;
const oldDir = process.argv[2];
if (oldDir === undefined || oldDir.startsWith('--')) {
  console.error('usage: compare.ts <old packages/record/src dir> [--rounds N]');
  process.exit(2);
}
const OLD = (await import(pathToFileURL(resolve(oldDir, 'index.ts')).href)) as Codec;
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
const SLICE_US = 30_000;
const CHUNK = 4 * 1024 * 1024;

let sink = 0;

/** Passes per CPU microsecond of `pass`, run for SLICE_US of CPU. */
function speed(pass: () => void): number {
  let passes = 0;
  const start = process.cpuUsage();
  let used = 0;
  do {
    pass();
    passes++;
    const u = process.cpuUsage(start);
    used = u.user + u.system;
  } while (used < SLICE_US);
  return passes / used;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

for (const [size, count] of [
  [100, 20_000],
  [4096, 1_000],
] as const) {
  const records = Array.from({ length: count }, (_, i) => ({
    type: 'set' as const,
    key: `key:${i.toString().padStart(12, '0')}`,
    value: randomBytes(size),
  }));
  const file = Buffer.concat([NEW.FILE_HEADER, ...records.map((r) => NEW.encodeRecord(r))]);
  const oldFile = Buffer.concat([OLD.FILE_HEADER, ...records.map((r) => OLD.encodeRecord(r))]);
  if (!file.equals(oldFile)) throw new Error('the two codecs write different bytes');
  const emit = (r: DecodeResult): void => {
    if (!r.ok) throw new Error(`decode failed: ${r.reason}`);
    sink++;
  };
  const encode = (c: Codec) => (): void => {
    for (const r of records) sink += c.encodeRecord(r).length;
  };
  const decode = (c: Codec) => (): void => {
    const d = new c.LogDecoder();
    for (let at = 0; at < file.length; at += CHUNK) d.push(file.subarray(at, at + CHUNK), emit);
    d.end(emit);
  };
  const variants: Record<string, () => void> = {
    encodeOld: encode(OLD),
    encodeNew: encode(NEW),
    decodeOld: decode(OLD),
    decodeNew: decode(NEW),
  };
  const names = Object.keys(variants);
  const runs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) speed(variants[n]!); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length]!;
      runs[n]!.push(speed(variants[n]!));
    }
  }
  const ratio = (a: string, b: string): string =>
    median(runs[a]!.map((x, i) => x / runs[b]![i]!)).toFixed(2);
  const replay = (n: string): string => (median(runs[n]!) * file.length).toFixed(0);
  console.log(
    `${size} B values: encode new/old ${ratio('encodeNew', 'encodeOld')}, decode new/old ${ratio('decodeNew', 'decodeOld')}; replay ${replay('decodeOld')} -> ${replay('decodeNew')} MB/s of log per CPU second`,
  );
}
if (sink === -1) console.log('unreachable');
