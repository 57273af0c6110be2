import { createRequire } from 'node:module';
import { join } from 'node:path';
import NedbModule from '@seald-io/nedb';
import type BetterSqlite3 from 'better-sqlite3';
import { ClassicLevel } from 'classic-level';
import { open as openLmdb } from 'lmdb';
import { type KeyOrder, orderedKeyOf, valuePool } from '../core/data.js';
import type { Contender } from '../core/race.js';

/**
 * nedb's typings declare an ES default export, but the package is CommonJS with
 * `module.exports = Datastore`: under NodeNext the default import is that class at run time.
 */
const Datastore = NedbModule as unknown as typeof NedbModule.default;

const require = createRequire(import.meta.url);

/** How to build the SQLite peer's native addon, which a plain install leaves out. */
export const BUILD_SQLITE = 'npx --yes pnpm@10.34.8 --dir apps/bench run build:sqlite';

/**
 * better-sqlite3 is an optional peer of the bench: its native addon compiles for minutes (and
 * fails where Node's headers cannot be had), so the workspace's install skips it
 * (`ignoredBuiltDependencies`) and `BUILD_SQLITE` builds it. Returns the constructor, or the
 * reason it cannot be used.
 */
function loadSqlite(): typeof BetterSqlite3 | string {
  try {
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    new Database(':memory:').close();
    return Database;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    if (/bindings file/.test(message)) {
      return `its native addon is not built, which a plain install skips; build it with ${BUILD_SQLITE}`;
    }
    return message;
  }
}

let sqlite: ReturnType<typeof loadSqlite> | undefined;

/** Why better-sqlite3 cannot run here, or `undefined` when it can. */
export function sqliteUnavailable(): string | undefined {
  sqlite ??= loadSqlite();
  return typeof sqlite === 'string' ? sqlite : undefined;
}

/** A peer opened in a folder: `put` one key, then `close`. */
interface PeerDb {
  put(key: string, value: Buffer): Promise<unknown>;
  close(): Promise<void>;
}

/** How to open one peer, and what its row says. */
export interface Peer {
  readonly id: string;
  readonly name: string;
  readonly durable: boolean;
  readonly note: string;
  open(dir: string): Promise<PeerDb>;
  /** Why the peer cannot run here, or `undefined` (see `Contender.unavailable`). */
  unavailable?(): string | undefined;
}

/** The peers a user would pick instead of Hermes, each in its documented durable (or fast) mode. */
export const PEERS: readonly Peer[] = [
  {
    id: 'lmdb',
    name: 'lmdb',
    durable: true,
    note: 'lmdb-js defaults: async batched transactions, synced commits',
    async open(dir) {
      const db = openLmdb<Buffer, string>({ path: join(dir, 'lmdb'), compression: false });
      return { put: (k, v) => db.put(k, v), close: () => db.close() };
    },
  },
  ...[true, false].map(
    (sync): Peer => ({
      id: sync ? 'level-sync' : 'level-nosync',
      name: `classic-level ${sync ? '{ sync: true }' : '(no sync)'}`,
      durable: sync,
      note: `put(key, value, { sync: ${sync} })`,
      async open(dir) {
        const db = new ClassicLevel<string, Buffer>(join(dir, 'level'), {
          keyEncoding: 'utf8',
          valueEncoding: 'buffer',
        });
        await db.open();
        return { put: (k, v) => db.put(k, v, { sync }), close: () => db.close() };
      },
    }),
  ),
  {
    id: 'sqlite-full',
    name: 'better-sqlite3 WAL FULL',
    durable: true,
    unavailable: sqliteUnavailable,
    note: 'journal_mode=WAL, synchronous=FULL, one INSERT OR REPLACE per put (a synchronous API: callers take turns)',
    async open(dir) {
      sqlite ??= loadSqlite();
      if (typeof sqlite === 'string') throw new Error(`better-sqlite3 unavailable: ${sqlite}`);
      const db = new sqlite(join(dir, 'kv.sqlite'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID');
      const insert = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
      return {
        put: async (k, v) => insert.run(k, v),
        close: async () => {
          db.close();
        },
      };
    },
  },
  {
    id: 'nedb',
    name: '@seald-io/nedb',
    durable: false,
    note: 'insertAsync({ _id, v: base64 }); nedb appends without fsync (no durable mode)',
    async open(dir) {
      const db = new Datastore<{ _id: string; v: string }>({ filename: join(dir, 'nedb.db') });
      await db.loadDatabaseAsync();
      return {
        put: (k, v) => db.insertAsync({ _id: k, v: v.toString('base64') }),
        close: async () => {
          await db.compactDatafileAsync();
        },
      };
    },
  },
];

/**
 * A peer as a race contender: puts of 100 B values under fresh 16-byte keys, ascending (ids
 * `peer.<id>`) or scattered (`peer.<id>-scattered`: B-trees such as lmdb's are much faster with
 * keys in order).
 * @default order 'ascending'
 */
export function peerContender(peer: Peer, order: KeyOrder = 'ascending'): Contender {
  const scattered = order === 'scattered';
  return {
    id: `peer.${peer.id}${scattered ? '-scattered' : ''}`,
    group: 'peer',
    label: `${peer.name} put${scattered ? ' (scattered keys)' : ''}`,
    series: `${peer.name}${scattered ? ' (scattered keys)' : ''}${peer.durable ? '' : ' (not durable)'}`,
    note: peer.note,
    ...(peer.unavailable ? { unavailable: peer.unavailable } : {}),
    async open(ctx, n) {
      const dir = await ctx.dir(`peer-${peer.id}-${order}-${n}`);
      const values = valuePool(100);
      const db = await peer.open(dir);
      return {
        op: (_w, seq) => db.put(orderedKeyOf(order, seq), values[seq & 63]!),
        async close() {
          await db.close();
          await ctx.remove(dir);
          return undefined;
        },
      };
    },
  };
}

/** The peer named `id` (`lmdb`, `level-sync`, `level-nosync`, `sqlite-full`, `nedb`). */
export function peer(id: string): Peer {
  const found = PEERS.find((p) => p.id === id);
  if (!found) throw new Error(`no peer ${id}`);
  return found;
}
