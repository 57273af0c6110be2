import { type Contender, raceScenario } from '../core/race.js';
import type { Scenario } from '../types.js';
import { baselineContender, bestBaseline } from './baseline.js';
import { peer, peerContender, sqliteUnavailable } from './peers.js';
import { walContender } from './wal.js';
import { walStoreContender } from './wal-store.js';

/** Everything that promises a write is on disk when it resolves. */
export const DURABLE: readonly Contender[] = [
  baselineContender(true, 'callbacks'),
  baselineContender(true, 'filehandle'),
  walContender('every', 100),
  walStoreContender('sharded'),
  walStoreContender('locked'),
  walStoreContender('sharded', 'every', 'overwrite'),
  walStoreContender('sharded', 'every', 'scattered'),
  peerContender(peer('lmdb')),
  peerContender(peer('lmdb'), 'scattered'),
  peerContender(peer('level-sync')),
  peerContender(peer('sqlite-full')),
  walContender('every', 4096),
];

/** Everything that resolves once the write reached the OS (or less). */
export const BUFFERED: readonly Contender[] = [
  baselineContender(false, 'callbacks'),
  baselineContender(false, 'filehandle'),
  walContender('everysec', 100),
  peerContender(peer('level-nosync')),
  peerContender(peer('nedb')),
  walContender('everysec', 4096),
];

/**
 * The write rows: at each concurrency, one race of the durable contenders and one of the
 * buffered ones, rounds interleaved (see `race`). `--only` narrows a race to its matching
 * contenders (`--only wal.every`, `--only peer.lmdb`, `--only baseline`).
 */
export function writeScenarios(concurrency: readonly number[]): Scenario[] {
  const noSqlite = sqliteUnavailable();
  if (noSqlite !== undefined)
    process.stderr.write(`skipped: better-sqlite3 peer rows (not usable here: ${noSqlite})\n`);
  return concurrency.flatMap((n) => [
    raceScenario(`writes.durable.n${n}`, n, DURABLE, bestBaseline),
    raceScenario(`writes.buffered.n${n}`, n, BUFFERED, bestBaseline),
  ]);
}
