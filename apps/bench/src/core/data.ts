import { randomBytes } from 'node:crypto';

/** Key length of every row: 16 bytes. */
export const KEY_BYTES = 16;

/**
 * The `i`-th benchmark key: 16 one-byte characters, flat (not a V8 cons string), so that every
 * store holds keys of exactly the same shape.
 */
export function keyOf(i: number): string {
  const digits = i.toString(36);
  KEY_BUFFER.fill(0x30);
  KEY_BUFFER[0] = 0x6b; // 'k'
  KEY_BUFFER.write(digits, KEY_BYTES - digits.length, 'latin1');
  return KEY_BUFFER.toString('latin1');
}

const KEY_BUFFER = Buffer.alloc(KEY_BYTES);

/** In what order a write row's keys come: each `set` a new key, ascending or scattered. */
export type KeyOrder = 'ascending' | 'scattered';

/**
 * The `i`-th key of a row in `order`: {@link keyOf}`(i)` when ascending; when scattered, the key
 * of `i` multiplied by an odd constant modulo 2^32 (a bijection, so still a new key each time,
 * for the first 2^32), which spreads consecutive writes across the key space as random keys do.
 */
export function orderedKeyOf(order: KeyOrder, i: number): string {
  return keyOf(order === 'ascending' ? i : Math.imul(i, 0x9e3779b1) >>> 0);
}

/** A small pool of random values of `bytes` bytes, reused round-robin by the write rows. */
export function valuePool(bytes: number, count = 64): Buffer[] {
  const pool: Buffer[] = [];
  for (let i = 0; i < count; i++) pool.push(randomBytes(bytes));
  return pool;
}

/** Formats bytes per second as MB/s (10^6 bytes). */
export function mbPerSec(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}
