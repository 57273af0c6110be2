/**
 * Codec throughput beside bare Buffer base64 on the same values, in the same run.
 * Run: npx tsx packages/record/bench/codec.ts
 *
 * MB/s count value bytes (1 MB = 1e6 bytes) for encode/decode so that the codec and bare base64
 * share one numerator; "replay" counts whole-file bytes through LogDecoder in 4 MiB chunks.
 * Each figure is the best of 12 interleaved rounds of ~60 ms per variant.
 */
import { randomBytes } from 'node:crypto';
import type { LogRecord } from '../src/index.js';
import { decodeLine, encodeRecord, FILE_HEADER, LogDecoder } from '../src/index.js';

const ROUNDS = 12;
const SLICE_MS = 60;

/**
 * Runs every variant for ~SLICE_MS per round, interleaved, and keeps each one's best MB/s: on a
 * shared machine, interleaving exposes all variants to the same load, so ratios stay honest.
 */
function race(
  variants: Record<string, [bytesPerPass: number, pass: () => void]>,
): Record<string, number> {
  const top: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, [bytes, pass]] of Object.entries(variants)) {
      let passes = 0;
      const start = process.hrtime.bigint();
      let elapsed = 0;
      do {
        pass();
        passes++;
        elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      } while (elapsed < SLICE_MS);
      top[name] = Math.max(top[name] ?? 0, (bytes * passes) / (elapsed * 1e3));
    }
  }
  return top;
}

let sink = 0;

function scenario(valueBytes: number, count: number): void {
  const records: LogRecord[] = [];
  for (let i = 0; i < count; i++) {
    const key = `key:${i.toString().padStart(12, '0')}`; // 16 bytes
    records.push({ type: 'set', key, value: randomBytes(valueBytes) });
  }
  const values = records.map((r) => (r as { value: Buffer }).value);
  const total = valueBytes * count;
  const strings = values.map((v) => v.toString('base64'));
  const lines = records.map((r) => encodeRecord(r));
  const bodies = lines.map((l) => l.subarray(0, -1));
  const file = Buffer.concat([FILE_HEADER, ...lines]);

  const chunk = 4 * 1024 * 1024;
  const emit = (r: { ok: boolean }): void => {
    if (r.ok) sink++;
  };
  const m = race({
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
        for (const s of strings) sink += Buffer.from(s, 'base64').length;
      },
    ],
    decode: [
      total,
      () => {
        for (const b of bodies) sink += decodeLine(b, 0, 'v1').length;
      },
    ],
    replay: [
      file.length,
      () => {
        const decoder = new LogDecoder();
        for (let at = 0; at < file.length; at += chunk)
          decoder.push(file.subarray(at, at + chunk), emit);
        decoder.end(emit);
      },
    ],
  });
  const { b64Encode, encode, b64Decode, decode, replay } = m as Record<string, number>;

  const f = (n: number): string => n.toFixed(0).padStart(6);
  const lineBytes = Math.round(file.length / count);
  console.log(
    `\n16-byte keys, ${valueBytes}-byte values (${count} records, lines of ${lineBytes} B)`,
  );
  console.log(
    `  encode  codec ${f(encode)} MB/s  bare base64 ${f(b64Encode)} MB/s  ratio ${(encode / b64Encode).toFixed(2)}`,
  );
  console.log(
    `  decode  codec ${f(decode)} MB/s  bare base64 ${f(b64Decode)} MB/s  ratio ${(decode / b64Decode).toFixed(2)}`,
  );
  console.log(
    `  replay  LogDecoder ${f(replay)} MB/s of log bytes (${(file.length / 1e6).toFixed(1)} MB file, 4 MiB chunks)`,
  );
}

console.log(`node ${process.version}, ${process.arch}`);
scenario(100, 20_000);
scenario(4096, 1_000);
if (sink === -1) console.log('unreachable');
