import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const NL = 10;
const SP = 32;

/**
 * The bare replay baseline: what a person writes in an afternoon. Streams every segment of a
 * log directory in name order, splits lines, takes the last field as base64 and the one before
 * as the key, decodes the value and fills a `Map`. No checksum, no key unescaping, no batches,
 * no error handling: the floor that Hermes' open is compared with. Returns the map.
 */
export async function bareReplay(dir: string): Promise<Map<string, Buffer>> {
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.wal') || f.endsWith('.snap'))
    .sort();
  // A snapshot replaces the segments numbered below it: start from the last one, if any.
  const snap = files.filter((f) => f.endsWith('.snap')).at(-1);
  const start = snap ? snap.slice(0, -5) : '';
  const todo = files.filter((f) =>
    snap ? f === snap || (f.endsWith('.wal') && f >= start) : true,
  );
  const map = new Map<string, Buffer>();
  for (const file of todo) {
    let carry: Buffer | undefined;
    for await (const chunk of createReadStream(join(dir, file), { highWaterMark: 1 << 20 })) {
      let buf = chunk as Buffer;
      if (carry) {
        buf = Buffer.concat([carry, buf]);
        carry = undefined;
      }
      let from = 0;
      for (let nl = buf.indexOf(NL, from); nl !== -1; nl = buf.indexOf(NL, from)) {
        const lastSpace = buf.lastIndexOf(SP, nl);
        if (lastSpace > from) {
          const keySpace = buf.lastIndexOf(SP, lastSpace - 1);
          if (keySpace >= from) {
            map.set(
              buf.toString('latin1', keySpace + 1, lastSpace),
              Buffer.from(buf.toString('latin1', lastSpace + 1, nl), 'base64'),
            );
          }
        }
        from = nl + 1;
      }
      if (from < buf.length) carry = buf.subarray(from);
    }
  }
  return map;
}
