import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogRecord } from '@hermes/record';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WalCorruptError } from '../src/errors.js';
import { segmentName } from '../src/layout.js';
import type { RecoveryMode } from '../src/types.js';
import { encodeFile, makeTempDir, plain, removeDir, replay } from './helpers/log-dir.js';

let root: string;
beforeAll(async () => {
  root = await makeTempDir('hermes-wal-model-');
});
afterAll(async () => {
  await removeDir(root);
});

const op = fc.oneof(
  fc.record({
    type: fc.constant('set' as const),
    key: fc.string({ maxLength: 12 }),
    value: fc.uint8Array({ maxLength: 40 }),
  }),
  fc.record({ type: fc.constant('delete' as const), key: fc.string({ maxLength: 12 }) }),
);
const record: fc.Arbitrary<LogRecord> = fc.oneof(
  { weight: 3, arbitrary: op },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('batch' as const),
      ops: fc.array(op, { minLength: 1, maxLength: 3 }),
    }),
  },
);

/** One damage applied to an encoded log: none, a cut inside the final record, or a flipped byte. */
type Damage =
  | { kind: 'none' }
  | { kind: 'cut'; keep: number } // fraction in [0, 1) of the final record kept
  | { kind: 'flip'; at: number; record: number; segment: number; bit: number };

const scenario = fc
  .array(fc.array(record, { maxLength: 5 }), { minLength: 1, maxLength: 3 })
  .chain((segments) => {
    const all = segments.flatMap((recs, s) => recs.map((_, r) => ({ s, r })));
    const damages: fc.Arbitrary<Damage>[] = [fc.constant({ kind: 'none' as const })];
    if ((segments.at(-1)?.length ?? 0) > 0) {
      damages.push(
        fc
          .double({ min: 0, max: 0.999, noNaN: true })
          .map((keep) => ({ kind: 'cut' as const, keep })),
      );
    }
    if (all.length > 0) {
      damages.push(
        fc
          .record({
            pick: fc.nat(all.length - 1),
            at: fc.double({ min: 0, max: 0.999, noNaN: true }),
            bit: fc.integer({ min: 0, max: 7 }),
          })
          .map(({ pick, at, bit }) => ({
            kind: 'flip' as const,
            at,
            bit,
            record: all[pick]!.r,
            segment: all[pick]!.s,
          })),
      );
    }
    return fc.tuple(
      fc.constant(segments),
      fc.oneof(...damages),
      fc.constantFrom<RecoveryMode>('tolerate-tail', 'strict', 'salvage'),
    );
  });

describe('replay against a model of the recovery policy', () => {
  it('every mode does what FORMAT-DIR.md says for any log and any one damage', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([segments, damage, mode]) => {
        const dir = await mkdtemp(join(root, 'case-'));
        const files = segments.map((recs) => encodeFile(recs));
        const bytes = files.map((f) => Buffer.from(f.bytes));
        const last = segments.length - 1;
        // What the damage hits: which record (segment, index) and whether it is the log's tail.
        let hit: { segment: number; record: number } | null = null;
        if (damage.kind === 'cut') {
          const f = files[last]!;
          const r = f.offsets.length - 1;
          // Keep 1 to length-1 bytes of it: a cut at its start would just be a shorter log.
          const cutAt = f.offsets[r]! + 1 + Math.floor(damage.keep * (f.lengths[r]! - 1));
          bytes[last] = bytes[last]!.subarray(0, cutAt);
          hit = { segment: last, record: r };
        } else if (damage.kind === 'flip') {
          const f = files[damage.segment]!;
          // Any byte of the line but its newline (flipping a newline merges two lines).
          const pos =
            f.offsets[damage.record]! + Math.floor(damage.at * (f.lengths[damage.record]! - 1));
          const b = bytes[damage.segment]!;
          b[pos] = b[pos]! ^ (1 << damage.bit);
          if (b[pos] === 10) b[pos] = 0; // never create a newline either
          hit = { segment: damage.segment, record: damage.record };
        }
        for (let s = 0; s < bytes.length; s++)
          await writeFile(join(dir, segmentName(s + 1)), bytes[s]!);

        const isTail =
          hit !== null && hit.segment === last && hit.record === segments[last]!.length - 1;
        const expected = segments.flatMap((recs, s) =>
          recs.filter((_, r) => !(hit !== null && hit.segment === s && hit.record === r)),
        );
        const outcome = await replay(dir, { recovery: mode }).then(
          (out) => out,
          (error: unknown) => error,
        );
        if (hit === null) {
          expect(outcome).not.toBeInstanceOf(Error);
          const out = outcome as Awaited<ReturnType<typeof replay>>;
          expect(out.records.map(plain)).toEqual(expected.map(plain));
          expect(out.report.tornTail).toBeNull();
          return;
        }
        const path = join(dir, segmentName(hit.segment + 1));
        const offset = files[hit.segment]!.offsets[hit.record]!;
        if (mode === 'strict' || (mode === 'tolerate-tail' && !isTail)) {
          expect(outcome).toBeInstanceOf(WalCorruptError);
          expect((outcome as WalCorruptError).file).toBe(path);
          expect((outcome as WalCorruptError).offset).toBe(offset);
          return;
        }
        expect(outcome).not.toBeInstanceOf(Error);
        const out = outcome as Awaited<ReturnType<typeof replay>>;
        expect(out.records.map(plain)).toEqual(expected.map(plain));
        if (isTail) {
          expect(out.report.tornTail).toMatchObject({ file: path, offset });
          expect(out.report.skipped).toBe(0);
          expect((await replay(dir, { recovery: 'strict' })).records.map(plain)).toEqual(
            expected.map(plain),
          );
        } else {
          expect(out.report.tornTail).toBeNull();
          expect(out.report.skipped).toBe(1);
        }
      }),
      { numRuns: 80 },
    );
  });
});
