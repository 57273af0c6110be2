/**
 * Why the codec checksums as it does: CRC-32 in JavaScript (slicing-by-8, what the codec uses for
 * short ranges) beside the two native CRC-32s it can use for long ones, `@node-rs/crc32` and
 * `zlib.crc32` (the same checksum; see src/native-crc.ts), and CRC-32C by `@node-rs/crc32` for
 * the record, on ranges of the sizes the codec checksums. Each native call includes the subarray
 * it needs, as in the codec. Run: npx tsx packages/record/bench/crc.ts
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { CRC_INIT, crc32Update } from '../src/crc32.js';

const nodeRs = createRequire(import.meta.url)('@node-rs/crc32') as {
  crc32: (b: Uint8Array) => number;
  crc32c: (b: Uint8Array) => number;
};

type Fn = (line: Buffer) => number;
const fns: Record<string, Fn> = {
  javascript: (line) => jsCrc(line),
  'node-rs crc32': (line) => nodeRs.crc32(line.subarray(9)),
  'zlib.crc32': (line) => zlibCrc32(line.subarray(9)),
  'node-rs crc32c': (line) => nodeRs.crc32c(line.subarray(9)),
};

/** The codec's JavaScript loop, whatever the length (crc32Update would go native when long). */
function jsCrc(line: Buffer): number {
  let c = CRC_INIT;
  for (let at = 9; at < line.length; at += 128) {
    c = crc32Update(c, line, at, Math.min(at + 128, line.length));
  }
  return c;
}

let sink = 0;
for (const size of [40, 100, 130, 170, 200, 260, 300, 1000, 5500]) {
  const line = randomBytes(size);
  const best: Record<string, number> = {};
  for (let round = 0; round < 15; round++) {
    for (const [name, fn] of Object.entries(fns)) {
      const n = 20_000;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) sink ^= fn(line);
      best[name] = Math.min(
        best[name] ?? Number.POSITIVE_INFINITY,
        Number(process.hrtime.bigint() - start) / n,
      );
    }
  }
  const cells = Object.entries(best).map(([k, ns]) => `${k} ${ns.toFixed(0)} ns`);
  console.log(`${String(size).padStart(5)} B line: ${cells.join(', ')}`);
}
if (sink === 0.5) console.log(sink);
