import { join } from 'node:path';
import type { RecordLimits } from '@hermes/record';
import { nodeFileSystem } from '../fs/node-fs.js';
import { segmentName, snapshotName } from '../layout.js';
import { listLogDir } from '../read/list-dir.js';
import { REPLAY_READ_BYTES, scanFile } from '../read/segment-reader.js';
import type { FileSystem } from '../types.js';
import { type CliIo, Exit } from './io.js';
import { recordJson, renderRecord } from './render.js';

/** Help text of `hermes-wal dump`. */
export const DUMP_HELP = `Usage: hermes-wal dump <dir> [--json] [--max-*]

Prints every record of the log in <dir> (the newest snapshot, then the segments in order), one
per line, with the file and byte offset of its line. Changes no file.

Text (default):  <file>@<offset> SET <key> <value>
                 <file>@<offset> DEL <key>
                 <file>@<offset> BATCH <n> [SET a "1"; DEL b]
  Keys made of letters, digits and :/._-+=@, print as they are, others as JSON strings.
  Values that are UTF-8 text print as JSON strings, others as base64:<data>.
  Damage prints as: <file>@<offset> DAMAGED <reason> <length> bytes: <message>
--json: one JSON object per line: {"file","segment","offset","type","key","value"(base64),
  "text"(when UTF-8)} or {"type":"batch","ops":[...]}, damage as {"damaged":true,"reason",...}.

Exit status: 0 no damage, 2 damage was found (records around it are still printed), 64 usage.
`;

/** Runs `dump` on `dir`; resolves the exit status. */
export async function dump(
  dir: string,
  json: boolean,
  limits: RecordLimits,
  io: CliIo,
  fs: FileSystem = nodeFileSystem,
): Promise<number> {
  const listing = await listLogDir(fs, dir);
  const files: { seq: number; name: string }[] = [];
  if (listing.snapshotSeq !== null) {
    files.push({ seq: listing.snapshotSeq, name: snapshotName(listing.snapshotSeq) });
  }
  for (const seq of listing.segments) files.push({ seq, name: segmentName(seq) });
  const buffer = new Uint8Array(REPLAY_READ_BYTES);
  let damaged = 0;
  for (const { seq, name } of files) {
    let pending: string[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const text = `${pending.join('\n')}\n`;
      pending = [];
      await io.out(text);
    };
    await scanFile({
      fs,
      path: join(dir, name),
      limits,
      buffer,
      onResult: (r) => {
        if (r.ok) {
          pending.push(
            json
              ? JSON.stringify({
                  file: name,
                  segment: seq,
                  offset: r.offset,
                  ...recordJson(r.record),
                })
              : `${name}@${r.offset} ${renderRecord(r.record)}`,
          );
        } else {
          damaged++;
          pending.push(
            json
              ? JSON.stringify({
                  file: name,
                  segment: seq,
                  offset: r.offset,
                  damaged: true,
                  reason: r.reason,
                  length: r.length,
                  message: r.message,
                })
              : `${name}@${r.offset} DAMAGED ${r.reason} ${r.length} bytes: ${r.message}`,
          );
        }
      },
      afterChunk: flush,
    });
    await flush();
  }
  return damaged > 0 ? Exit.attention : Exit.ok;
}
