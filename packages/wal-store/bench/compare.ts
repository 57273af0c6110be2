// Before/after: the durable stores of this checkout beside those of another checkout (built), and the
// plain group-commit baseline, in one process with interleaved rounds, so machine load hits all alike.
// Make the other checkout with its own build of record, wal, store and wal-store, e.g.
//   git worktree add --detach /tmp/before <commit>   (then link node_modules and build there)
// Run (from the repository root, after `pnpm build`):
//   node --import tsx packages/wal-store/bench/compare.ts /tmp/before [seconds-per-round] [rounds]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as after from '@hermes/store';
import { openDurableStore } from '@hermes/wal-store';
import { baseline, durableSide, runRounds } from './harness.js';

const other = process.argv[2];
if (other === undefined) throw new Error('usage: compare.ts <other checkout> [seconds] [rounds]');
const seconds = Number(process.argv[3] ?? 2);
const rounds = Number(process.argv[4] ?? 5);
const load = (pkg: string): Promise<Record<string, unknown>> =>
  import(pathToFileURL(join(other, 'packages', pkg, 'dist', 'index.js')).href);
const before = {
  store: (await load('store')) as unknown as typeof after,
  walStore: (await load('wal-store')) as unknown as { openDurableStore: typeof openDurableStore },
};

const sides = [
  await baseline(),
  await durableSide(
    'before: durable ShardedStore',
    before.walStore.openDurableStore,
    new before.store.ShardedStore(),
  ),
  await durableSide('after: durable ShardedStore', openDurableStore, new after.ShardedStore()),
  await durableSide(
    'before: durable LockedStore',
    before.walStore.openDurableStore,
    new before.store.LockedStore(),
  ),
  await durableSide('after: durable LockedStore', openDurableStore, new after.LockedStore()),
];
await runRounds(sides, seconds, rounds);
