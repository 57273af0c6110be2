// One side of bench/throughput.ts alone, for `node --cpu-prof`: 256 callers of `set` for a few seconds.
// Run (from the repository root, after `pnpm build`):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx packages/wal-store/bench/profile.ts [sharded|locked|floor|wal] [seconds]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockedStore, ShardedStore } from '@hermes/store';
import { openWal, SyncEveryWrite } from '@hermes/wal';
import { openDurableStore } from '@hermes/wal-store';
import { drive, floorOp, keyOf, values } from './harness.js';

const side = process.argv[2] ?? 'sharded';
const seconds = Number(process.argv[3] ?? 3);
const dir = await mkdtemp(join(tmpdir(), 'wal-store-prof-'));

let op: (i: number) => Promise<unknown>;
let close: () => Promise<void>;
if (side === 'wal' || side === 'floor') {
  const { wal } = await openWal({ dir, sync: SyncEveryWrite });
  const store = new ShardedStore();
  op =
    side === 'wal'
      ? (i) => wal.append({ type: 'set', key: keyOf(i), value: values[i & 63]! })
      : floorOp(wal, store);
  close = () => wal.close();
} else {
  const store = side === 'locked' ? new LockedStore() : new ShardedStore();
  const db = await openDurableStore({ dir, store, sync: SyncEveryWrite, compaction: false });
  op = (i) => db.set(keyOf(i), values[i & 63]!);
  close = () => db.close();
}

const { done, cpuPerOp } = await drive(seconds * 1000, op, 256);
console.log(`${side}: ${done} ops, ${cpuPerOp.toFixed(2)} µs CPU/op`);
await close();
await rm(dir, { recursive: true, force: true });
