import { basename } from 'node:path';
import type { RecordLimits } from '@hermes/record';
import { nodeFileSystem } from '../fs/node-fs.js';
import { acquireLock } from '../lock/directory-lock.js';
import { recoverLog } from '../read/recover.js';
import type { FileSystem } from '../types.js';
import { type CliIo, Exit } from './io.js';

/** Help text of `hermes-wal repair`. */
export const REPAIR_HELP = `Usage: hermes-wal repair <dir> [--max-*]

Takes the directory's lock (fails if a live process holds the log), replays it under the default
recovery (tolerate-tail) and cuts a torn tail: the cut bytes are kept in <segment>.broken (or
.broken.<n>, never overwriting an earlier backup), fsynced before the segment is truncated and
fsynced. Also removes leftovers of an interrupted snapshot install. Prints what it did.

Mid-log corruption is not repaired (it would lose acknowledged records): repair reports it and
exits 2; see \`hermes-wal verify <dir>\`, and \`hermes-wal salvage <dir>\` to drop the damaged
records (their bytes kept in .salvaged files).

Exit status: 0 repaired or already clean, 2 corruption or failure (lock held, I/O), 64 usage.
`;

/** Runs `repair` on `dir`; resolves the exit status. */
export async function repair(
  dir: string,
  limits: RecordLimits,
  io: CliIo,
  fs: FileSystem = nodeFileSystem,
): Promise<number> {
  const lock = await acquireLock(fs, dir);
  try {
    const { report, obsolete } = await recoverLog({
      fs,
      dir,
      recovery: 'tolerate-tail',
      limits,
    });
    const lines: string[] = [
      `log ${dir}: ${report.records} records in ${report.segments} segment(s)` +
        `${report.fromSnapshot ? ' after a snapshot' : ''}, ${report.bytes} bytes`,
    ];
    const t = report.tornTail;
    if (t !== null) {
      lines.push(
        `cut a torn tail of ${t.bytes} bytes from ${basename(t.file)} at byte ${t.offset}; ` +
          `the bytes are kept in ${t.brokenFile}`,
      );
    }
    if (obsolete.length > 0) {
      lines.push(`removed leftovers of an interrupted snapshot install: ${obsolete.join(', ')}`);
    }
    if (t === null && obsolete.length === 0) lines.push('nothing to repair: the log is clean');
    await io.out(`${lines.join('\n')}\n`);
    return Exit.ok;
  } finally {
    await lock.release();
  }
}
