import { TEXT_LOOP_BELOW } from './limits.js';

/** Writes the char codes of `text` (all below 256) at `at`; returns the index after them. */
export function writeLatin1(target: Buffer, at: number, text: string): number {
  const n = text.length;
  if (n < TEXT_LOOP_BELOW) {
    for (let i = 0; i < n; i++) target[at + i] = text.charCodeAt(i);
    return at + n;
  }
  return at + target.write(text, at, 'latin1');
}
