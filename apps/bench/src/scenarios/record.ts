import { decodeLine, encodeRecord } from '@hermes/record';
import { keyOf, valuePool } from '../core/data.js';
import { rateOf } from '../core/drive.js';
import { summarize } from '../core/stats.js';
import type { Context, Row, Scenario } from '../types.js';

/**
 * Rounds of a synchronous loop: one warm-up, then `rounds` rates (calls/s) → MB/s of values.
 * CPU-bound loops settle fast, so rounds are a third of the profile's.
 */
function measureLoop(ctx: Context, valueBytes: number, step: (i: number) => void): number[] {
  rateOf(ctx.profile.warmupMs / 2, step);
  const rates: number[] = [];
  for (let r = 0; r < ctx.profile.rounds; r++)
    rates.push((rateOf(ctx.profile.roundMs / 3, step) * valueBytes) / 1e6);
  return rates;
}

function row(id: string, label: string, rates: number[], note: string): Row {
  return {
    id,
    group: 'record',
    label,
    unit: 'MB/s',
    higherIsBetter: true,
    value: summarize(rates),
    note,
  };
}

/**
 * The codec beside bare base64: encode and decode of `SET` records with 16-byte keys and 100 B
 * or 4 KiB values; MB/s counts value bytes in both, so the ratio is the codec's overhead.
 */
export const recordScenario: Scenario = {
  id: 'record',
  group: 'record',
  async run(ctx) {
    const rows: Row[] = [];
    for (const size of [100, 4096]) {
      const values = valuePool(size);
      const keys = values.map((_, i) => keyOf(i));
      const mask = values.length - 1;
      const lines = values.map((value, i) => {
        const line = encodeRecord({ type: 'set', key: keys[i]!, value });
        return line.subarray(0, line.length - 1);
      });
      const b64 = values.map((v) => v.toString('base64'));
      const note = `16 B keys, ${size} B values; MB/s of value bytes`;
      let sink = 0;
      ctx.status(`encode ${size} B`);
      rows.push(
        row(
          `record.encode.v${size}`,
          `record encodeRecord SET, ${size} B values`,
          measureLoop(ctx, size, (i) => {
            sink += encodeRecord({
              type: 'set',
              key: keys[i & mask]!,
              value: values[i & mask]!,
            }).length;
          }),
          note,
        ),
        row(
          `record.base64-encode.v${size}`,
          `bare Buffer base64 encode, ${size} B values`,
          measureLoop(ctx, size, (i) => {
            sink += values[i & mask]!.toString('base64').length;
          }),
          note,
        ),
      );
      ctx.status(`decode ${size} B`);
      rows.push(
        row(
          `record.decode.v${size}`,
          `record decodeLine SET (checksum verified), ${size} B values`,
          measureLoop(ctx, size, (i) => {
            const r = decodeLine(lines[i & mask]!, 0, 'v1');
            if (!r.ok) throw new Error(`decode failed: ${r.message}`);
            sink += r.length;
          }),
          note,
        ),
        row(
          `record.base64-decode.v${size}`,
          `bare Buffer base64 decode, ${size} B values`,
          measureLoop(ctx, size, (i) => {
            sink += Buffer.from(b64[i & mask]!, 'base64').length;
          }),
          note,
        ),
      );
      if (sink === 0) throw new Error('nothing was encoded');
    }
    return rows;
  },
};
