import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../src/index.js';
import { allocLine } from '../src/line-pool.js';

describe('allocLine', () => {
  it('hands out lines that never overlap, below, inside and above the slab range', () => {
    const sizes = [1, 100, 4095, 4096, 5000, 9000, 16 * 1024, 16 * 1024 + 1, 70_000];
    const lines: Buffer[] = [];
    for (let round = 0; round < 40; round++) {
      for (const size of sizes) {
        const line = allocLine(size);
        expect(line.length).toBe(size);
        line.fill(lines.length & 255);
        lines.push(line);
      }
    }
    lines.forEach((line, i) => {
      expect(line.every((b) => b === (i & 255))).toBe(true);
    });
  });

  it('keeps earlier encoded lines intact while later ones are written', () => {
    const records = Array.from({ length: 60 }, (_, i) => ({
      type: 'set' as const,
      key: `k${i}`,
      value: Buffer.alloc(3000 + i * 97, i),
    }));
    const lines = records.map((r) => encodeRecord(r));
    const again = records.map((r) => encodeRecord(r));
    lines.forEach((line, i) => {
      expect(line.equals(again[i]!)).toBe(true);
      expect(line.subarray(0, line.length - 1).includes(10)).toBe(false);
    });
  });
});
