import { readdir } from 'node:fs/promises';
import { type BatchOp, type LockableStore, ShardedStore, type StoreReader } from '@hermes/store';
import { type DurableStore, type DurableStoreOptions, openDurableStore } from '@hermes/wal-store';
import { type AbstractDatabaseOptions, AbstractLevel } from 'abstract-level';
import { boundsOf, type LevelRange, scanOf } from './bounds.js';
import { clearRange } from './clear-range.js';
import { decodeValue, encodeKey, encodeValue, type Native } from './codec.js';
import { Cursor, type Walk } from './cursor.js';
import { HermesLevelError } from './errors.js';
import {
  HermesIterator,
  HermesKeyIterator,
  HermesValueIterator,
  type IteratorParts,
} from './iterators.js';
import { OpQueue } from './op-queue.js';
import { readAt, snapshotAt } from './read-at.js';
import { HermesSnapshot } from './snapshot.js';

/**
 * Options of the durable store under a {@link HermesLevel}: those of `openDurableStore` of
 * `@hermes/wal-store` (`sync`, `segmentBytes`, `compaction`, ...) except `dir` (the location) and
 * `store` (a fresh `ShardedStore` at each open).
 */
export type HermesStoreOptions = Omit<DurableStoreOptions<ShardedStore>, 'dir' | 'store' | 'log'>;

/** Options of {@link HermesLevel}: abstract-level's, plus `store` for the durable store. */
export interface HermesLevelOptions<K, V> extends AbstractDatabaseOptions<K, V> {
  /** The durable store's options (see {@link HermesStoreOptions}). @default {} */
  readonly store?: HermesStoreOptions | undefined;
}

/** Open options as abstract-level hands them to `_open`. */
interface OpenOptions {
  readonly createIfMissing: boolean;
  readonly errorIfExists: boolean;
}

/** Read options as abstract-level hands them to the private reads. */
interface ReadOptions {
  readonly keyEncoding: string;
  readonly valueEncoding: string;
  readonly snapshot?: HermesSnapshot | null;
}

/** Write options as abstract-level hands them to the private writes. */
interface WriteOptions {
  readonly keyEncoding: string;
  readonly valueEncoding: string;
}

/** One op of `_batch`, with its own encodings. */
interface LevelOp {
  readonly type: 'put' | 'del';
  readonly key: Native;
  readonly value?: Native;
  readonly keyEncoding: string;
  readonly valueEncoding?: string;
}

/** Iterator options as abstract-level hands them to `_iterator`, `_keys` and `_values`. */
interface IteratorOptions extends LevelRange {
  readonly valueEncoding: string;
  readonly keys?: boolean;
  readonly values?: boolean;
  readonly snapshot?: HermesSnapshot | null;
}

const RANGE_OPTIONS = ['gt', 'gte', 'lt', 'lte'] as const;

/**
 * An [abstract-level](https://github.com/Level/abstract-level) database backed by the durable
 * Hermes store: `new HermesLevel(dir, options)` opens (or creates) the write-ahead log in `dir`
 * and replays it; every write resolves once durable under the `sync` policy.
 *
 * Keys are ordered by their bytes (the mapping to Hermes keys is `keyOfBytes`); `buffer`, `view`
 * and `utf8` are native, every other encoding is transcoded by abstract-level. Iterators read
 * the store's ordered tree natively (no sorting, no copy of the store) and each has its own
 * implicit snapshot; `db.snapshot()`, `seek`, `getMany`, `has`, `hasMany`, `getSync`, sublevels
 * and ranged `clear` are supported.
 *
 * Operations take effect in call order, as memory-level's do: a read sees every write called
 * before it, awaited or not, and none called after. `getSync` is the exception: it cannot wait,
 * so it sees the writes already durable.
 */
export class HermesLevel<K = string, V = string> extends AbstractLevel<Native, K, V> {
  /** The folder of the write-ahead log. */
  readonly location: string;
  readonly #storeOptions: HermesStoreOptions;
  readonly #queue = new OpQueue();
  #durable: DurableStore<ShardedStore> | undefined;

  /**
   * A database in `location` (opened on first use, or by `open()`). Throws
   * `HERMES_LEVEL_INVALID_OPTIONS` when `location` is not a non-empty string.
   */
  constructor(location: string, options?: HermesLevelOptions<K, V>) {
    const { store, ...forward } = options ?? {};
    super(
      {
        seek: true,
        implicitSnapshots: true,
        explicitSnapshots: true,
        permanence: true,
        createIfMissing: true,
        errorIfExists: true,
        has: true,
        getSync: true,
        encodings: { buffer: true, view: true, utf8: true },
      } as Record<string, unknown>,
      forward,
    );
    if (typeof location !== 'string' || location === '') {
      throw new HermesLevelError(
        'HERMES_LEVEL_INVALID_OPTIONS',
        'The location must be the path of a folder (a non-empty string), e.g. new HermesLevel("./db").',
      );
    }
    this.location = location;
    this.#storeOptions = store ?? {};
  }

  /**
   * The durable store under the database, while it is open: for `stats()`, `health()`,
   * `compact()` and `watch()`. Write through the database, not through it: the database keeps
   * its operations in call order and owns the key mapping.
   */
  get store(): DurableStore<ShardedStore> | undefined {
    return this.#durable;
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _open(options: OpenOptions): Promise<void> {
    const exists = await holdsFiles(this.location);
    if (!exists && !options.createIfMissing) {
      throw new HermesLevelError(
        'HERMES_LEVEL_MISSING',
        `The database ${this.location} does not exist; open it without createIfMissing: false to create it.`,
      );
    }
    if (exists && options.errorIfExists) {
      throw new HermesLevelError(
        'HERMES_LEVEL_EXISTS',
        `The database ${this.location} already exists; open it without errorIfExists: true, or pick another folder.`,
      );
    }
    try {
      this.#durable = await openDurableStore({
        ...this.#storeOptions,
        dir: this.location,
        store: new ShardedStore(),
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'WAL_LOCKED') {
        throw new HermesLevelError(
          'LEVEL_LOCKED',
          `The database ${this.location} is open in another instance or process; close that one first.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _close(): Promise<void> {
    const durable = this.#durable;
    this.#durable = undefined;
    await durable?.close();
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _put(key: Native, value: Native, options: WriteOptions): Promise<void> {
    const k = encodeKey(key, options.keyEncoding);
    const v = encodeValue(value, options.valueEncoding);
    return this.#queue.run(() => this.#open().set(k, v));
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _del(key: Native, options: WriteOptions): Promise<void> {
    const k = encodeKey(key, options.keyEncoding);
    await this.#queue.run(() => this.#open().delete(k));
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _batch(operations: readonly LevelOp[], options: WriteOptions): Promise<void> {
    const ops: BatchOp[] = operations.map((op) => {
      const key = encodeKey(op.key, op.keyEncoding ?? options.keyEncoding);
      if (op.type === 'del') return { type: 'delete', key };
      const format = op.valueEncoding ?? options.valueEncoding;
      return { type: 'set', key, value: encodeValue(op.value as Native, format) };
    });
    return this.#queue.run(() => this.#open().batch(ops));
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _get(key: Native, options: ReadOptions): Promise<Native | undefined> {
    const k = encodeKey(key, options.keyEncoding);
    const bytes = await this.#read(options.snapshot, k, (reader) => reader.get(k));
    return bytes === undefined ? undefined : decodeValue(bytes, options.valueEncoding);
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  _getSync(key: Native, options: ReadOptions): Native | undefined {
    const k = encodeKey(key, options.keyEncoding);
    const reader: StoreReader = options.snapshot ? options.snapshot.now() : this.#open().inner;
    const bytes = reader.get(k);
    return bytes === undefined ? undefined : decodeValue(bytes, options.valueEncoding);
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _getMany(keys: readonly Native[], options: ReadOptions): Promise<(Native | undefined)[]> {
    const ks = keys.map((key) => encodeKey(key, options.keyEncoding));
    const values = await this.#read(options.snapshot, ks, (reader) => ks.map((k) => reader.get(k)));
    return values.map((bytes) =>
      bytes === undefined ? undefined : decodeValue(bytes, options.valueEncoding),
    );
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _has(key: Native, options: ReadOptions): Promise<boolean> {
    const k = encodeKey(key, options.keyEncoding);
    return this.#read(options.snapshot, k, (reader) => reader.has(k));
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _hasMany(keys: readonly Native[], options: ReadOptions): Promise<boolean[]> {
    const ks = keys.map((key) => encodeKey(key, options.keyEncoding));
    return this.#read(options.snapshot, ks, (reader) => ks.map((k) => reader.has(k)));
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  async _clear(options: LevelRange & { readonly snapshot?: HermesSnapshot | null }): Promise<void> {
    const snapshot = options.snapshot ?? undefined;
    const ranged =
      RANGE_OPTIONS.some((name) => name in options) ||
      (options.limit ?? -1) !== -1 ||
      snapshot !== undefined;
    const durable = this.#open();
    if (!ranged) return this.#queue.run(() => durable.clear());
    // The durable store's ranged clear is one CLEAR record naming the range; a clear of what a
    // snapshot saw must name its keys instead (the range now may hold others).
    if (snapshot === undefined) return this.#queue.run(() => durable.clear(scanOf(options)));
    return this.#queue.run(() =>
      clearRange(durable, this.#queue, scanOf(options), () => snapshot.now()),
    );
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  _iterator(options: IteratorOptions): HermesIterator {
    return new HermesIterator(this as never, options as never, this.#parts(options, 'entries'));
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  _keys(options: IteratorOptions): HermesKeyIterator {
    return new HermesKeyIterator(this as never, options as never, this.#parts(options, 'keys'));
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  _values(options: IteratorOptions): HermesValueIterator {
    return new HermesValueIterator(this as never, options as never, this.#parts(options, 'values'));
  }

  /** @internal abstract-level's private API, called by the public method of the same name. */
  _snapshot(options: { readonly owner: unknown }): HermesSnapshot {
    const inner = this.#open().inner;
    const snapshot = new HermesSnapshot(options);
    this.#queue.call(() => snapshot.take(inner));
    return snapshot;
  }

  /** The open durable store; abstract-level only calls the private methods while open. */
  #open(): DurableStore<ShardedStore> {
    const durable = this.#durable;
    if (durable === undefined) {
      throw new HermesLevelError(
        'HERMES_LEVEL_INVALID_OPTIONS',
        'The database is not open; await db.open() first.',
      );
    }
    return durable;
  }

  /**
   * Runs `read` on the explicit `snapshot` when given, else on the live store at this call's
   * place among the writes (see `readAt`), holding the locks of `keys`.
   */
  #read<T>(
    snapshot: HermesSnapshot | null | undefined,
    keys: string | readonly string[],
    read: (reader: StoreReader) => T,
  ): Promise<T> {
    if (snapshot) return snapshot.frozen.then(read);
    const inner: LockableStore = this.#open().inner;
    if (Array.isArray(keys) && keys.length === 0) return this.#queue.run(async () => read(inner));
    return this.#queue.run(() => readAt(inner, keys, () => read(inner)));
  }

  /** What an iterator reads: its own snapshot taken now (or the explicit one), its walk and formats. */
  #parts<W extends Walk>(options: IteratorOptions, walk: W): IteratorParts<W> {
    const snapshot = options.snapshot ?? undefined;
    let owned: ReturnType<typeof snapshotAt> | undefined;
    if (snapshot === undefined) {
      const inner = this.#open().inner;
      owned = new Promise((resolve, reject) => {
        this.#queue.call(() => snapshotAt(inner).then(resolve, reject));
      });
      owned.catch(() => {});
    }
    const reader: Promise<StoreReader> = snapshot === undefined ? owned! : snapshot.frozen;
    return {
      cursor: new Cursor(reader, boundsOf(options), walk),
      owned,
      keyFormat: options.keyEncoding,
      valueFormat: options.valueEncoding,
      keys: options.keys !== false,
      values: options.values !== false,
    };
  }
}

/** Whether `dir` exists and holds a file (an empty or missing folder holds no database). */
async function holdsFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return false;
    throw error;
  }
}
