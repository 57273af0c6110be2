import { createHash } from 'node:crypto';

/** The value the SIGKILL child stores under `key`: 1 to 2048 bytes derived from the key. */
export function valueFor(key: string): Buffer {
  const digest = createHash('sha256').update(key).digest();
  const length = 1 + (digest.readUInt16BE(0) % 2048);
  const value = Buffer.alloc(length);
  for (let i = 0; i < length; i++) value[i] = digest[i % digest.length]!;
  return value;
}
