// One side of bench/throughput.ts alone, for `node --cpu-prof`: 256 callers of `set` for a few seconds.
// Run (from the repository root, after `pnpm build`):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx packages/wal-store/bench/profile.ts [sharded|locked|floor|wal] [seconds]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockedStore, ShardedStore } from '@hermes/store';
import { openWal, SyncEveryWrite } from '@hermes/wal';
import { openDurableStore } from '@hermes/wal-store';

const side = process.argv[2] ?? 'sharded';
const seconds = Number(process.argv[3] ?? 3);
const values = Array.from({ length: 64 }, () => randomBytes(100));
const keyOf = (i: number): string => `k${(i % 100_000).toString().padStart(15, '0')}`;
const dir = await mkdtemp(join(tmpdir(), 'wal-store-prof-'));

let op: (i: number) => Promise<unknown>;
let close: () => Promise<void>;
if (side === 'wal' || side === 'floor') {
  const { wal } = await openWal({ dir, sync: SyncEveryWrite });
  const store = new ShardedStore();
  op =
    side === 'wal'
      ? (i) => wal.append({ type: 'set', key: keyOf(i), value: values[i & 63]! })
      : (i) => {
          const key = keyOf(i);
          const value = values[i & 63]!;
          const index = store.lockIndexOf(key);
          if (!store.tryLockIndex(index, 'shared')) throw new Error('uncontended in this bench');
          return wal
            .append({ type: 'set', key, value }, () => {
              store.setUnlocked(key, value, index);
            })
            .then(
              () => store.unlockIndex(index, 'shared'),
              (error: unknown) => {
                store.unlockIndex(index, 'shared');
                throw error;
              },
            );
        };
  close = () => wal.close();
} else {
  const store = side === 'locked' ? new LockedStore() : new ShardedStore();
  const db = await openDurableStore({ dir, store, sync: SyncEveryWrite, compaction: false });
  op = (i) => db.set(keyOf(i), values[i & 63]!);
  close = () => db.close();
}

let next = 0;
let done = 0;
const cpu = process.cpuUsage();
const end = performance.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: 256 }, async () => {
    while (performance.now() < end) {
      await op(next++);
      done++;
    }
  }),
);
const used = process.cpuUsage(cpu);
console.log(`${side}: ${done} ops, ${((used.user + used.system) / done).toFixed(2)} µs CPU/op`);
await close();
await rm(dir, { recursive: true, force: true });
