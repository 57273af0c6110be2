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
