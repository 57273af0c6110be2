// Group-commit throughput of `set` through the durable store, beside a plain Node baseline, in one run.
// Run (from the repository root) against the built packages, as users get them (`pnpm build` first;
// the TypeScript sources under tsx carry per-closure helper calls that inflate CPU time):
//   node --import tsx packages/wal-store/bench/throughput.ts [seconds-per-round] [rounds]
// Published numbers come from `pnpm bench` (apps/bench); this is the layer's own check.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockedStore, ShardedStore } from '@hermes/store';
import { openWal, SyncEveryWrite } from '@hermes/wal';
import { openDurableStore } from '@hermes/wal-store';
import { baseline, durableSide, floorOp, keyOf, runRounds, type Side, values } from './harness.js';

const seconds = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 5);

/** The log alone (no store), to show what the layer adds on top of it. */
async function bareWal(): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'wal-store-bench-'));
  const { wal } = await openWal({ dir, sync: SyncEveryWrite });
  return {
    name: 'wal append alone',
    op: (i) => wal.append({ type: 'set', key: keyOf(i), value: values[i & 63]! }),
    close: async () => {
      await wal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The floor of any decorator: the log plus the store's single-key lock and apply (the fast path
 * the durable store takes), with no validation, no copy, no error handling. What the durable
 * store costs beyond this is this layer's own.
 */
async function floor(): Promise<Side> {
  const dir = await mkdtemp(join(tmpdir(), 'wal-store-bench-'));
  const { wal } = await openWal({ dir, sync: SyncEveryWrite });
  const store = new ShardedStore();
  return {
    name: 'wal + ShardedStore lock/apply (floor)',
    op: floorOp(wal, store),
    close: async () => {
      await wal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const sides = [
  await baseline(),
  await bareWal(),
  await floor(),
  await durableSide('durable ShardedStore', openDurableStore, new ShardedStore()),
  await durableSide('durable LockedStore', openDurableStore, new LockedStore()),
];
await runRounds(sides, seconds, rounds);
