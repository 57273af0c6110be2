/**
 * Codec throughput beside bare Buffer base64 on the same values, in the same run.
 * Run: npx tsx packages/record/bench/codec.ts [--rounds N]
 *
 * Cases: a SET with a 16-byte key and a 100-byte or a 4 KiB value. For each case:
 * - encode: `encodeRecord` of every record, against `value.toString('base64')` of every value;
 * - decode: `LogDecoder.push` over the whole log (4 MiB chunks; checksums verified, values
 *   decoded to bytes), against `Buffer.from(text, 'base64')` of every value's base64 text;
 * - replay: the same LogDecoder pass, counted in bytes of log (the wal's replay target).
 * Encode and decode MB/s count value bytes (1 MB = 1e6 bytes), so codec and bare base64 share one
 * numerator.
 *
 * The machine is shared and noisy, so: every variant runs once per round, in an order that
 * rotates from round to round; time is the process's CPU time (`process.cpuUsage`), not wall
 * time, so a variant is not charged for the moments it was descheduled; each ratio is taken
 * within a round (codec and base64 ran back to back) and the figure printed is the median over
 * the rounds. Wall-clock MB/s (median) is printed too, for the record.
 */
import { randomBytes } from 'node:crypto';
import type { DecodeResult, LogRecord } from '../src/index.js';
import { encodeRecord, FILE_HEADER, LogDecoder } from '../src/index.js';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
/** CPU milliseconds each variant runs per round. */
const SLICE_MS = 40;
const CHUNK = 4 * 1024 * 1024;

type Variant = readonly [bytesPerPass: number, pass: () => void];
interface Sample {
  readonly cpu: number;
  readonly wall: number;
}

/** Runs `pass` until it has used SLICE_MS of CPU; returns MB/s by CPU time and by wall time. */
function slice([bytes, pass]: Variant): Sample {
  let passes = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  let cpuUs = 0;
  do {
    pass();
    passes++;
    const used = process.cpuUsage(cpu0);
    cpuUs = used.user + used.system;
  } while (cpuUs < SLICE_MS * 1000);
  const wallUs = Number(process.hrtime.bigint() - wall0) / 1e3;
  return { cpu: (bytes * passes) / cpuUs, wall: (bytes * passes) / wallUs };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One sample list per variant, rounds interleaved with a rotating order. */
function race(variants: Record<string, Variant>): Record<string, Sample[]> {
  const names = Object.keys(variants);
  const out: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) slice(variants[name]!); // warm-up, discarded
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      out[name]!.push(slice(variants[name]!));
    }
  }
  return out;
}

let sink = 0;

function scenario(valueBytes: number, count: number): void {
  const records: LogRecord[] = [];
  const values: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const key = `key:${i.toString().padStart(12, '0')}`; // 16 bytes
    values.push(randomBytes(valueBytes));
    records.push({ type: 'set', key, value: values[i]! });
  }
  const total = valueBytes * count;
  const strings = values.map((v) => v.toString('base64'));
  const file = Buffer.concat([FILE_HEADER, ...records.map((r) => encodeRecord(r))]);

  let failures = 0;
  const emit = (r: DecodeResult): void => {
    if (r.ok) sink++;
    else failures++;
  };
  const replay = (): void => {
    const decoder = new LogDecoder();
    for (let at = 0; at < file.length; at += CHUNK)
      decoder.push(file.subarray(at, at + CHUNK), emit);
    decoder.end(emit);
  };
  replay();
  if (failures > 0) throw new Error('the benchmark log does not decode cleanly');

  const s = race({
    b64Encode: [
      total,
      () => {
        for (const v of values) sink += v.toString('base64').length;
      },
    ],
    encode: [
      total,
      () => {
        for (const r of records) sink += encodeRecord(r).length;
      },
    ],
    b64Decode: [
      total,
      () => {
        for (const t of strings) sink += Buffer.from(t, 'base64').length;
      },
    ],
    decode: [total, replay],
  });
  const cpu = (name: string): number[] => s[name]!.map((x) => x.cpu);
  const ratio = (a: string, b: string): number => {
    const xs = cpu(a);
    const ys = cpu(b);
    return median(xs.map((x, i) => x / ys[i]!));
  };
  const mb = (name: string): string => median(cpu(name)).toFixed(0).padStart(5);
  const wall = (name: string): string =>
    median(s[name]!.map((x) => x.wall))
      .toFixed(0)
      .padStart(5);
  const logPerValue = file.length / total;

  console.log(
    `\n16-byte keys, ${valueBytes}-byte values (${count} records, lines of ${Math.round(file.length / count)} B)`,
  );
  console.log(
    `  encode  ratio ${ratio('encode', 'b64Encode').toFixed(2)}  (codec ${mb('encode')} MB/s, bare base64 ${mb('b64Encode')} MB/s; wall ${wall('encode')} / ${wall('b64Encode')})`,
  );
  console.log(
    `  decode  ratio ${ratio('decode', 'b64Decode').toFixed(2)}  (codec ${mb('decode')} MB/s, bare base64 ${mb('b64Decode')} MB/s; wall ${wall('decode')} / ${wall('b64Decode')})`,
  );
  console.log(
    `  replay  ${(median(cpu('decode')) * logPerValue).toFixed(0)} MB/s of log bytes through LogDecoder (wall ${(median(s['decode']!.map((x) => x.wall)) * logPerValue).toFixed(0)}; ${(file.length / 1e6).toFixed(1)} MB log, 4 MiB chunks)`,
  );
}

console.log(
  `node ${process.version}, ${process.arch}; median of ${ROUNDS} interleaved rounds, MB/s per CPU second`,
);
scenario(100, 20_000);
scenario(4096, 1_000);
if (sink === -1) console.log('unreachable');
