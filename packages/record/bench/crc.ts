/**
 * Why the codec checksums as it does: CRC-32 by zlib, CRC-32 in JavaScript (slicing-by-8, what
 * the codec uses below 256 bytes) and, if installed, CRC-32C by `@node-rs/crc32`, on lines of the
 * sizes the codec writes. Run: npx tsx packages/record/bench/crc.ts
 * (for CRC-32C: `npm i --no-save @node-rs/crc32` in a scratch folder, then NODE_PATH=<it>/node_modules).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from '../src/crc32.js';

type Fn = (line: Buffer) => number;
const fns: Record<string, Fn> = {
  'zlib.crc32': (line) => zlibCrc32(line.subarray(9)),
  'codec crc32': (line) => crc32(line, 9, line.length),
};
try {
  const require = createRequire(`${process.env['NODE_PATH'] ?? process.cwd()}/`);
  const { crc32c } = require('@node-rs/crc32') as { crc32c: (b: Uint8Array) => number };
  fns['@node-rs crc32c'] = (line) => crc32c(line.subarray(9));
} catch {
  console.log('(@node-rs/crc32 not installed: CRC-32C left out)');
}

let sink = 0;
for (const size of [40, 170, 300, 1000, 5500]) {
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
