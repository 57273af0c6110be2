import type { BatchOp } from '@hermes/store';
import type { DurableStore, UpdateRead } from '@hermes/wal-store';
import { CommandError, ERRORS } from './errors.js';

/** The sizes a key and a value may have, as the service's flags set them. */
export interface KeyspaceLimits {
  /** Largest key, in UTF-8 bytes of the Hermes key. */
  readonly maxKeyBytes: number;
  /** Largest value, in bytes. */
  readonly maxValueBytes: number;
}

/**
 * The keyspace as one command (or one transaction) sees it: reads of the store, and writes
 * recorded as ops (visible to later reads through the view) that the caller logs as one record.
 * Every command runs synchronously against a view, so a transaction is its commands run in turn
 * against one view.
 */
export class Keyspace {
  /** The writes made through this view, in order. */
  readonly ops: BatchOp[] = [];
  readonly #read: UpdateRead;
  readonly #store: DurableStore;
  readonly #limits: KeyspaceLimits;
  /** Values written through the view (`null`: deleted); made on the first write. */
  #written: Map<string, Uint8Array | null> | undefined;
  #sizeDelta = 0;

  /**
   * @param read Reads a key's current value (inside `update`, the locked reader).
   * @param store The store, for whole-keyspace reads (size, keys).
   */
  constructor(read: UpdateRead, store: DurableStore, limits: KeyspaceLimits) {
    this.#read = read;
    this.#store = store;
    this.#limits = limits;
  }

  /** The value of `key`, or `undefined`. */
  get(key: string): Uint8Array | undefined {
    const written = this.#written?.get(key);
    if (written !== undefined) return written ?? undefined;
    return this.#read(key);
  }

  /** Whether `key` holds a value. */
  has(key: string): boolean {
    const written = this.#written?.get(key);
    if (written !== undefined) return written !== null;
    return this.#store.has(key);
  }

  /** Writes `value` under `key`. Throws `CommandError` for a key or value over the limits. */
  set(key: string, value: Uint8Array): void {
    checkSizes(key, value, this.#limits);
    if (!this.has(key)) this.#sizeDelta++;
    this.#written ??= new Map();
    this.#written.set(key, value);
    this.ops.push({ type: 'set', key, value });
  }

  /** Deletes `key`; returns whether it held a value (nothing is written when it did not). */
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    this.#sizeDelta--;
    this.#written ??= new Map();
    this.#written.set(key, null);
    this.ops.push({ type: 'delete', key });
    return true;
  }

  /** Keys holding a value. */
  get size(): number {
    return this.#store.size + this.#sizeDelta;
  }

  /** Every key holding a value (starting with `prefix`), the view's own writes included. */
  *keys(prefix = ''): Generator<string> {
    const written = this.#written ?? new Map<string, Uint8Array | null>();
    for (const key of this.#store.keys(prefix === '' ? undefined : { prefix })) {
      if (!written.has(key)) yield key;
    }
    for (const [key, value] of written) {
      if (value !== null && key.startsWith(prefix)) yield key;
    }
  }
}

/** Throws `CommandError` if `key` or `value` is over its limit. */
export function checkSizes(key: string, value: Uint8Array, limits: KeyspaceLimits): void {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: count bytes only for keys that may be over.
  if (key.length * 3 > limits.maxKeyBytes && Buffer.byteLength(key) > limits.maxKeyBytes) {
    throw new CommandError(
      `ERR the key is ${Buffer.byteLength(key)} bytes, over the limit of ${limits.maxKeyBytes} (--max-key-bytes)`,
    );
  }
  if (value.length > limits.maxValueBytes) throw new CommandError(ERRORS.tooLong);
}
