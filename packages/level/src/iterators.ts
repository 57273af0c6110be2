import type { StoreSnapshot } from '@hermes/store';
import {
  AbstractIterator,
  type AbstractIteratorOptions,
  AbstractKeyIterator,
  type AbstractKeyIteratorOptions,
  type AbstractLevel,
  AbstractValueIterator,
  type AbstractValueIteratorOptions,
} from 'abstract-level';
import { decodeKey, decodeValue, encodeKey, type Native } from './codec.js';
import type { Cursor } from './cursor.js';

/** The database type the iterators belong to. */
type Db = AbstractLevel<Native, unknown, unknown>;

/** What every Hermes iterator is built from. */
export interface IteratorParts<W extends 'entries' | 'keys' | 'values'> {
  /** The walk of the frozen store. */
  readonly cursor: Cursor<W>;
  /** The snapshot the iterator took itself (closed with it), or `undefined` for an explicit one. */
  readonly owned: Promise<StoreSnapshot> | undefined;
  /** The native key and value formats to hand back. */
  readonly keyFormat: string;
  readonly valueFormat: string;
  /** Whether `db.iterator()` yields keys and values (`keys: false` gives `[undefined, value]`). */
  readonly keys: boolean;
  readonly values: boolean;
}

/** Closes what an iterator owns: its walk and its implicit snapshot. */
async function release(parts: IteratorParts<'entries' | 'keys' | 'values'>): Promise<void> {
  parts.cursor.end();
  const owned = await parts.owned?.catch(() => undefined);
  owned?.close();
}

/** An entry as `db.iterator()` yields it (`undefined` for what `keys`/`values: false` leave out). */
type Entry = [Native | undefined, Native | undefined];

/** Up to this many items per `_all()` step. */
const ALL_STEP = 1000;

/** `db.iterator()`: `[key, value]` pairs read natively from the store's ordered tree. */
export class HermesIterator extends AbstractIterator<Db, Native, Native> {
  readonly #parts: IteratorParts<'entries'>;

  /** Reads `parts` (see {@link IteratorParts}). */
  constructor(
    db: Db,
    options: AbstractIteratorOptions<Native, Native>,
    parts: IteratorParts<'entries'>,
  ) {
    super(db, options);
    this.#parts = parts;
  }

  /** @internal abstract-level's private API. */
  async _next(): Promise<Entry | undefined> {
    return (await this._nextv(1))[0];
  }

  /** @internal abstract-level's private API. */
  async _nextv(size: number): Promise<Entry[]> {
    const { keyFormat, valueFormat, keys, values } = this.#parts;
    const steps = await this.#parts.cursor.take(size);
    return steps.map(([k, v]) => [
      keys ? decodeKey(k, keyFormat) : undefined,
      values ? decodeValue(v, valueFormat) : undefined,
    ]);
  }

  /** @internal abstract-level's private API. */
  async _all(): Promise<Entry[]> {
    return all(this.limit - this.count, (n) => this._nextv(n));
  }

  /** @internal abstract-level's private API. */
  _seek(target: Native, options: { keyEncoding: string }): void {
    this.#parts.cursor.seek(encodeKey(target, options.keyEncoding));
  }

  /** @internal abstract-level's private API. */
  async _close(): Promise<void> {
    await release(this.#parts);
  }
}

/** `db.keys()`: keys only, so no value is copied out of the store. */
export class HermesKeyIterator extends AbstractKeyIterator<Db, Native> {
  readonly #parts: IteratorParts<'keys'>;

  /** Reads `parts` (see {@link IteratorParts}). */
  constructor(db: Db, options: AbstractKeyIteratorOptions<Native>, parts: IteratorParts<'keys'>) {
    super(db, options);
    this.#parts = parts;
  }

  /** @internal abstract-level's private API. */
  async _next(): Promise<Native | undefined> {
    return (await this._nextv(1))[0];
  }

  /** @internal abstract-level's private API. */
  async _nextv(size: number): Promise<Native[]> {
    const { keyFormat } = this.#parts;
    const steps = await this.#parts.cursor.take(size);
    return steps.map((k) => decodeKey(k, keyFormat));
  }

  /** @internal abstract-level's private API. */
  async _all(): Promise<Native[]> {
    return all(this.limit - this.count, (n) => this._nextv(n));
  }

  /** @internal abstract-level's private API. */
  _seek(target: Native, options: { keyEncoding: string }): void {
    this.#parts.cursor.seek(encodeKey(target, options.keyEncoding));
  }

  /** @internal abstract-level's private API. */
  async _close(): Promise<void> {
    await release(this.#parts);
  }
}

/** `db.values()`: values only, in the order of their keys. */
export class HermesValueIterator extends AbstractValueIterator<Db, Native, Native> {
  readonly #parts: IteratorParts<'values'>;

  /** Reads `parts` (see {@link IteratorParts}). */
  constructor(
    db: Db,
    options: AbstractValueIteratorOptions<Native, Native>,
    parts: IteratorParts<'values'>,
  ) {
    super(db, options);
    this.#parts = parts;
  }

  /** @internal abstract-level's private API. */
  async _next(): Promise<Native | undefined> {
    return (await this._nextv(1))[0];
  }

  /** @internal abstract-level's private API. */
  async _nextv(size: number): Promise<Native[]> {
    const { valueFormat } = this.#parts;
    const steps = await this.#parts.cursor.take(size);
    return steps.map((v) => decodeValue(v, valueFormat));
  }

  /** @internal abstract-level's private API. */
  async _all(): Promise<Native[]> {
    return all(this.limit - this.count, (n) => this._nextv(n));
  }

  /** @internal abstract-level's private API. */
  _seek(target: Native, options: { keyEncoding: string }): void {
    this.#parts.cursor.seek(encodeKey(target, options.keyEncoding));
  }

  /** @internal abstract-level's private API. */
  async _close(): Promise<void> {
    await release(this.#parts);
  }
}

/** Every remaining item, up to `left`, in steps of {@link ALL_STEP}. */
async function all<T>(left: number, next: (n: number) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  while (out.length < left) {
    const items = await next(Math.min(ALL_STEP, left - out.length));
    if (items.length === 0) break;
    for (const item of items) out.push(item);
  }
  return out;
}
