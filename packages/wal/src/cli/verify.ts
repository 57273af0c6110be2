import { basename, join } from 'node:path';
import type { RecordLimits } from '@hermes/record';
import { nodeFileSystem } from '../fs/node-fs.js';
import { LOCK_FILE } from '../layout.js';
import { describeOwner, type LockOwner, ownerIsAlive } from '../lock/directory-lock.js';
import { parseOwner } from '../lock/owner.js';
import { unfixable } from '../read/salvage.js';
import { verifyLog } from '../read/verify-log.js';
import type { FileSystem } from '../types.js';
import { type CliIo, Exit } from './io.js';

/** Help text of `hermes-wal verify`. */
export const VERIFY_HELP = `Usage: hermes-wal verify <dir> [--max-*]

Replays the log in <dir> without changing any file and prints what it found: segments, records,
bytes, every damaged span (file, byte offset, reason) and what repair would do.

Exit status:
  0   the log is clean
  1   only a torn tail (an interrupted last write); \`hermes-wal repair <dir>\` or opening the
      log cuts it and keeps the bytes in a .broken file
  2   corruption that needs attention (damage followed by valid records, in an earlier segment,
      or in the snapshot), or the directory could not be read; \`hermes-wal salvage <dir>\`
      drops damaged records (keeping their bytes) when the verdict says it can
  64  usage error

On a log that a live process is writing, the last record may look torn: verify a closed log.
`;

/** Runs `verify` on `dir`; resolves the exit status. */
export async function verify(
  dir: string,
  limits: RecordLimits,
  io: CliIo,
  fs: FileSystem = nodeFileSystem,
): Promise<number> {
  const recovered = await verifyLog({ fs, dir, limits });
  const { report, damage } = recovered;
  const lines: string[] = [`log ${dir}`];
  const holder = await liveHolder(fs, dir);
  if (holder !== null) {
    lines.push(
      `note: ${describeOwner(holder)} holds this log and may be writing it; ` +
        'a torn tail reported below may be a write in flight',
    );
  }
  lines.push(
    recovered.snapshotSeq === null
      ? 'snapshot: none'
      : `snapshot: replaces segments below ${recovered.snapshotSeq}`,
  );
  const segs = recovered.segments;
  lines.push(
    `segments: ${segs.length}${segs.length > 0 ? ` (${segs[0]} to ${segs.at(-1)})` : ''}` +
      `${report.legacy ? ', legacy format (seed lines without checksums)' : ''}`,
  );
  lines.push(`records: ${report.records}`, `bytes: ${report.bytes}`);
  const corrupt = damage.filter((d) => d.kind !== 'torn-tail');
  for (const d of damage) {
    const what = d.kind === 'torn-tail' ? 'torn tail' : 'corrupt';
    lines.push(
      `${what}: ${d.file} at byte ${d.offset}, ${d.length} bytes (${d.reason}: ${d.message})`,
    );
  }
  if (report.skipped > corrupt.length) {
    lines.push(`... and ${report.skipped - corrupt.length} more damaged spans`);
  }
  if (recovered.obsolete.length > 0) {
    lines.push(
      `leftovers of an interrupted snapshot install (removed on open): ${recovered.obsolete.join(', ')}`,
    );
  }
  let status: number = Exit.ok;
  if (recovered.verdict === 'corrupt') {
    status = Exit.attention;
    const blocker = unfixable(damage);
    lines.push(
      `verdict: CORRUPT (${report.skipped} damaged span(s) not at the tail). Opening with the default ` +
        'recovery fails with WAL_CORRUPT. ' +
        (blocker === undefined
          ? `\`hermes-wal salvage ${dir}\` rewrites the log without them, keeping their bytes in ` +
            ".salvaged files; opening with recovery: 'salvage' (the service: --recovery salvage) " +
            'skips them; either way their records are lost. Or restore from a backup.'
          : `\`hermes-wal salvage\` cannot drop the damage in ${blocker.file} at byte ` +
            `${blocker.offset} (${blocker.reason}): restore from a backup, or open with ` +
            "recovery: 'salvage' (the service: --recovery salvage) to skip it (its records are lost)."),
    );
  } else if (recovered.verdict === 'torn-tail' && report.tornTail !== null) {
    status = Exit.repairable;
    const t = report.tornTail;
    lines.push(
      `verdict: TORN TAIL. repair would cut ${t.bytes} bytes from ${basename(t.file)} at byte ${t.offset} ` +
        `and keep them in ${basename(t.brokenFile)}.`,
    );
  } else if (segs.length === 0 && recovered.snapshotSeq === null) {
    lines.push('verdict: clean (no log files in this directory)');
  } else {
    lines.push('verdict: clean');
  }
  await io.out(`${lines.join('\n')}\n`);
  return status;
}

/** The process that holds `dir`'s LOCK and may be writing, or null (no lock, torn, or gone). */
async function liveHolder(fs: FileSystem, dir: string): Promise<LockOwner | null> {
  let owner: LockOwner | null;
  try {
    owner = parseOwner(await fs.readFile(join(dir, LOCK_FILE)));
  } catch {
    return null;
  }
  return owner !== null && ownerIsAlive(owner) ? owner : null;
}
