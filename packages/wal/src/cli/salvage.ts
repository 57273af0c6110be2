import type { RecordLimits } from '@hermes/record';
import { nodeFileSystem } from '../fs/node-fs.js';
import { acquireLock } from '../lock/directory-lock.js';
import { type SalvageReport, salvageLog } from '../read/salvage.js';
import type { FileSystem } from '../types.js';
import { type CliIo, Exit } from './io.js';
import { mustExist } from './must-exist.js';

/** Help text of `hermes-wal salvage`. */
export const SALVAGE_HELP = `Usage: hermes-wal salvage <dir> [--json] [--max-*]

Takes the directory's lock (fails if a live process holds the log) and rewrites every segment or
snapshot that holds damaged records without them, so that the log opens again under the default
recovery and \`hermes-wal verify <dir>\` passes. The records in damaged lines are lost; their bytes
are not: each file's dropped spans go to <file>.salvaged (or .salvaged.<n>, never overwriting an
earlier one), each span after a line "# <file> @<offset> <length> bytes (<reason>)". The side
file and the rewrite are fsynced before the rewrite replaces the file, so a crash at any step
loses no byte. Run \`hermes-wal verify <dir>\` first to see what will be dropped.

Prints records kept, records dropped, bytes dropped and the side files; --json prints one JSON
object {"recordsKept","recordsDropped","bytesDropped","files":[{"file","sideFile","spans","bytes"}]}.

Refused, changing nothing: a missing segment, a file that is not the log's, a misplaced legacy
segment, a bad header, or a line over the limits (pass the --max-* the log was written with).

Exit status: 0 salvaged or nothing to do, 2 refused or failure (no such directory, lock held,
I/O), 64 usage.
`;

/** Runs `salvage` on `dir`; resolves the exit status. */
export async function salvage(
  dir: string,
  json: boolean,
  limits: RecordLimits,
  io: CliIo,
  fs: FileSystem = nodeFileSystem,
): Promise<number> {
  await mustExist(fs, dir, 'salvage');
  const lock = await acquireLock(fs, dir);
  let report: SalvageReport;
  try {
    report = await salvageLog({ fs, dir, limits });
  } finally {
    await lock.release();
  }
  await io.out(json ? `${JSON.stringify(report)}\n` : render(dir, report));
  return Exit.ok;
}

function render(dir: string, report: SalvageReport): string {
  const lines = [
    `log ${dir}: records kept: ${report.recordsKept}, records dropped: ${report.recordsDropped}, ` +
      `bytes dropped: ${report.bytesDropped}`,
  ];
  for (const f of report.files) {
    lines.push(
      `${f.file}: dropped ${f.spans} damaged span(s), ${f.bytes} bytes, kept in ${f.sideFile}`,
    );
  }
  if (report.files.length === 0) lines.push('nothing to salvage: no damaged records');
  return `${lines.join('\n')}\n`;
}
