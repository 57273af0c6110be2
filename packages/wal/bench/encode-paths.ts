// Scratch: CPU per record of the encode paths the append path could take.
// Run: node --conditions=@hermes/source --import tsx packages/wal/bench/encode-paths.ts
import { randomBytes } from 'node:crypto';
import { encodedLength, encodeRecord, encodeRecordInto } from '@hermes/record';

const values = Array.from({ length: 64 }, () => randomBytes(100));
const keys = Array.from({ length: 4096 }, (_, i) => `k${i.toString(36).padStart(15, '0')}`);
const arena = Buffer.allocUnsafeSlow(4 << 20);
function time(name: string, f: (n: number) => void): void {
  let n = 0;
  const c = process.cpuUsage();
  const t = performance.now();
  while (performance.now() - t < 300) for (let j = 0; j < 1000; j++, n++) f(n);
  const u = process.cpuUsage(c);
  console.log(`${name}: ${(((u.user + u.system) / n) * 1e3).toFixed(0)} ns cpu`);
}
let off = 0;
for (let r = 0; r < 5; r++) {
  time('encodeRecord', (n) =>
    encodeRecord({ type: 'set', key: keys[n & 4095]!, value: values[n & 63]! }),
  );
  time('encodeRecord+copy', (n) => {
    const l = encodeRecord({ type: 'set', key: keys[n & 4095]!, value: values[n & 63]! });
    if (off + l.length > arena.length) off = 0;
    arena.set(l, off);
    off += l.length;
  });
  time('len+into', (n) => {
    const rec = { type: 'set', key: keys[n & 4095]!, value: values[n & 63]! } as const;
    const len = encodedLength(rec);
    if (off + len > arena.length) off = 0;
    off += encodeRecordInto(rec, arena, off);
  });
  time('into(try)', (n) => {
    const rec = { type: 'set', key: keys[n & 4095]!, value: values[n & 63]! } as const;
    if (off + 4096 > arena.length) off = 0;
    off += encodeRecordInto(rec, arena, off);
  });
}
