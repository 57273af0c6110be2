import { hashString } from './hash.js';

/** Capacity of a new or cleared table (a power of two). */
const MIN_CAPACITY = 16;

/** Marks a free slot in `#hashes`; a key whose hash is 0 is stored as {@link ZERO_HASH}. */
const FREE = 0;
const ZERO_HASH = 1;

/** The hash a key is stored under: never {@link FREE}. */
function storedHash(key: string): number {
  return hashString(key) | 0 || ZERO_HASH;
}

/** The slot where the probe for `key` starts in a table of `capacity` slots (a power of two). */
export function homeSlot(key: string, capacity: number): number {
  return slotOf(storedHash(key), 32 - Math.log2(capacity));
}

/** Fibonacci hashing: the high bits of `hash` times 2^32 / golden ratio, `32 - shift` of them. */
function slotOf(hash: number, shift: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> shift;
}

/**
 * The point index of a store: string keys to values in an open-addressing hash table with linear
 * probing, held in three parallel arrays (the keys' 32-bit hashes, the keys, the values), never
 * more than three quarters full. A slot's home is taken from the hash's high bits (Fibonacci
 * hashing), so the keys of one shard, which share the hash's low bits, still spread over the
 * whole table. A removal shifts the entries after it back (no tombstones), and the table halves
 * once it is under an eighth full.
 *
 * Why not a `Map`: inserting a new key into a V8 `Map` of a million keys cost 1.0-1.5 µs on the
 * 2-core bench machine, this table about 0.5 µs (hash included), and the store inserts on every
 * write of a new key. Lookups cost about the same. Not exported from the package.
 */
export class KeyTable<V> {
  #hashes: Int32Array = new Int32Array(MIN_CAPACITY);
  #keys: (string | undefined)[] = emptySlots(MIN_CAPACITY);
  #values: (V | undefined)[] = emptySlots(MIN_CAPACITY);
  /** `32 - log2(capacity)`: the home slot of a hash is its product with the golden ratio shifted right by this. */
  #shift = 32 - Math.log2(MIN_CAPACITY);
  #size = 0;

  /** How many keys the table holds. */
  get size(): number {
    return this.#size;
  }

  /** The value under `key`, or `undefined`. */
  get(key: string): V | undefined {
    const at = this.#find(key, storedHash(key));
    return at < 0 ? undefined : this.#values[at];
  }

  /** Whether `key` is in the table. */
  has(key: string): boolean {
    return this.#find(key, storedHash(key)) >= 0;
  }

  /** Puts `value` under `key`, replacing what was there. */
  set(key: string, value: V): void {
    const hash = storedHash(key);
    const hashes = this.#hashes;
    const mask = hashes.length - 1;
    let at = this.#home(hash);
    for (;;) {
      const h = hashes[at]!;
      if (h === FREE) break;
      if (h === hash && this.#keys[at] === key) {
        this.#values[at] = value;
        return;
      }
      at = (at + 1) & mask;
    }
    if ((this.#size + 1) * 4 > hashes.length * 3) {
      this.#resize(hashes.length * 2);
      this.set(key, value);
      return;
    }
    hashes[at] = hash;
    this.#keys[at] = key;
    this.#values[at] = value;
    this.#size++;
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean {
    let gap = this.#find(key, storedHash(key));
    if (gap < 0) return false;
    const hashes = this.#hashes;
    const keys = this.#keys;
    const values = this.#values;
    const mask = hashes.length - 1;
    // Backward shift: move each later entry of the run into the gap unless its home lies
    // cyclically after the gap (then it is already as close to home as it can be).
    for (let at = (gap + 1) & mask; hashes[at] !== FREE; at = (at + 1) & mask) {
      const home = this.#home(hashes[at]!);
      const stays = gap <= at ? gap < home && home <= at : gap < home || home <= at;
      if (stays) continue;
      hashes[gap] = hashes[at]!;
      keys[gap] = keys[at];
      values[gap] = values[at];
      gap = at;
    }
    hashes[gap] = FREE;
    keys[gap] = undefined;
    values[gap] = undefined;
    this.#size--;
    if (this.#size * 8 < hashes.length && hashes.length > MIN_CAPACITY)
      this.#resize(hashes.length / 2);
    return true;
  }

  /** Removes every key and gives the memory back. */
  clear(): void {
    this.#hashes = new Int32Array(MIN_CAPACITY);
    this.#keys = emptySlots(MIN_CAPACITY);
    this.#values = emptySlots(MIN_CAPACITY);
    this.#shift = 32 - Math.log2(MIN_CAPACITY);
    this.#size = 0;
  }

  /** The slot holding `key` (whose stored hash is `hash`), or -1. */
  #find(key: string, hash: number): number {
    const hashes = this.#hashes;
    const mask = hashes.length - 1;
    for (let at = this.#home(hash); ; at = (at + 1) & mask) {
      const h = hashes[at]!;
      if (h === FREE) return -1;
      if (h === hash && this.#keys[at] === key) return at;
    }
  }

  #home(hash: number): number {
    return slotOf(hash, this.#shift);
  }

  /** Moves every entry into fresh arrays of `capacity` slots (a power of two). */
  #resize(capacity: number): void {
    const oldHashes = this.#hashes;
    const oldKeys = this.#keys;
    const oldValues = this.#values;
    const hashes = new Int32Array(capacity);
    const keys = emptySlots<string>(capacity);
    const values = emptySlots<V>(capacity);
    this.#hashes = hashes;
    this.#keys = keys;
    this.#values = values;
    this.#shift = 32 - Math.log2(capacity);
    const mask = capacity - 1;
    for (let from = 0; from < oldHashes.length; from++) {
      const hash = oldHashes[from]!;
      if (hash === FREE) continue;
      let at = this.#home(hash);
      while (hashes[at] !== FREE) at = (at + 1) & mask;
      hashes[at] = hash;
      keys[at] = oldKeys[from];
      values[at] = oldValues[from];
    }
  }
}

/** An array of `n` empty slots, packed (V8 keeps a holey array's stores slower). */
function emptySlots<T>(n: number): (T | undefined)[] {
  return new Array<T | undefined>(n).fill(undefined);
}
