import fc from 'fast-check';
import { expect, test } from 'vitest';
import { openWal, SyncEveryWrite } from '../src/index.js';
import { FaultyFileSystem, setRecord } from '../src/testing/index.js';
import { replayKeys, tempDir } from './helpers/wal-fixtures.js';

type Step =
  | { readonly kind: 'appends'; readonly count: number }
  | { readonly kind: 'rotate' }
  | { readonly kind: 'sync' }
  | {
      readonly kind: 'fault';
      readonly op: 'write' | 'datasync' | 'writeExclusive';
      readonly code: string;
    }
  | { readonly kind: 'short'; readonly bytes: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('appends' as const),
      count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rotate' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      op: fc.constantFrom('write' as const, 'datasync' as const, 'writeExclusive' as const),
      code: fc.constantFrom('EIO', 'ENOSPC'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('short' as const),
      bytes: fc.integer({ min: 0, max: 60 }),
    }),
  },
);

test('property: whatever fails, every acknowledged record survives a crash, in call order, once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 12 }),
      fc.boolean(),
      async (steps, torn) => {
        const { dir, cleanup } = await tempDir();
        try {
          const fs = new FaultyFileSystem();
          const { wal } = await openWal({ dir, fs, sync: SyncEveryWrite, segmentBytes: 300 });
          const acknowledged = new Set<string>();
          const pending: Promise<unknown>[] = [];
          let next = 0;
          let poisoned = false;
          for (const s of steps) {
            if (s.kind === 'appends') {
              for (let i = 0; i < s.count; i++) {
                const key = `k${next}`;
                pending.push(
                  wal.append(setRecord(next++)).then(
                    () => acknowledged.add(key),
                    (error: { code?: string }) => {
                      expect(['WAL_WRITE_FAILED', 'WAL_SYNC_FAILED', 'WAL_POISONED']).toContain(
                        error.code,
                      );
                      poisoned = true;
                    },
                  ),
                );
              }
            } else if (s.kind === 'rotate') {
              pending.push(wal.rotate().catch(() => {}));
            } else if (s.kind === 'sync') {
              pending.push(wal.sync().catch(() => {}));
            } else if (s.kind === 'fault') {
              fs.fail(s.op, s.code);
            } else {
              fs.shortWrite(s.bytes, 'ENOSPC');
            }
          }
          await Promise.all(pending);
          if (poisoned) expect(wal.stats().poisoned).not.toBeNull();
          await fs.crash({ keepRandomPrefix: torn });
          await wal.close().catch(() => {});
          const keys = await replayKeys(dir);
          // Every acknowledged record is there; nothing is duplicated; the order is the call order.
          for (const key of acknowledged) expect(keys).toContain(key);
          expect(new Set(keys).size).toBe(keys.length);
          const numbers = keys.map((k) => Number(k.slice(1)));
          expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
          // The log is clean after recovery: a second open cuts nothing and replays the same.
          expect(await replayKeys(dir)).toEqual(keys);
        } finally {
          await cleanup();
        }
      },
    ),
    { numRuns: 30 },
  );
});
