import { ShardedStore } from '@hermes/store';
import { type LogRecord, openWal } from '@hermes/wal';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { applyRecord } from './helpers/read-log.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

const KEYS = ['a', 'b', 'c', 'd', 'e'];
const opArb: fc.Arbitrary<LogRecord> = fc.oneof(
  fc.record({
    type: fc.constant('set' as const),
    key: fc.constantFrom(...KEYS),
    value: fc.string({ maxLength: 4 }).map(bytes),
  }),
  fc.record({ type: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
);

function apply(model: Map<string, string>, record: LogRecord): void {
  applyRecord(model, record, (value) => text(value)!);
}

/**
 * The claim compaction rests on: a snapshot taken after the cut while writes continue holds, for
 * each key, its value at the cut or any later value (or its absence at any of those moments);
 * replaying that snapshot and then the segments written after the cut gives the same state as
 * the full history, whatever the mix.
 */
describe('a snapshot mixing old and new values converges', () => {
  it('snapshot of any mix + the segments after the cut = the full history', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { maxLength: 20 }),
        fc.array(opArb, { maxLength: 20 }),
        fc.array(fc.nat(), { minLength: KEYS.length, maxLength: KEYS.length }),
        async (before, after, picks) => {
          const dir = await dirs.make();
          const { wal } = await openWal({ dir });
          const model = new Map<string, string>();
          for (const r of before) {
            await wal.append(r);
            apply(model, r);
          }
          const cut = await wal.rotate();
          // Every state each key goes through from the cut on.
          const versions = new Map<string, (string | undefined)[]>(
            KEYS.map((k) => [k, [model.get(k)]]),
          );
          for (const r of after) {
            await wal.append(r);
            apply(model, r);
            for (const k of KEYS) versions.get(k)!.push(model.get(k));
          }
          await wal.installSnapshot(cut, async (writer) => {
            for (const [i, k] of KEYS.entries()) {
              const choices = versions.get(k)!;
              const value = choices[picks[i]! % choices.length];
              if (value !== undefined)
                await writer.write({ type: 'set', key: k, value: bytes(value) });
            }
          });
          await wal.close();

          const db = await openDurableStore({ dir, store: new ShardedStore() });
          const state = new Map([...db.entries()].map(([k, v]) => [k, text(v)!]));
          await db.close();
          expect(state).toEqual(model);
        },
      ),
      { numRuns: 60 },
    );
  });
});
