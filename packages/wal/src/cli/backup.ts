import type { LogRecord, RecordLimits } from '@hermes/record';
import { type BackupFiles, writeBackup } from '../backup.js';
import { WalError } from '../errors.js';
import { nodeFileSystem } from '../fs/node-fs.js';
import { acquireLock } from '../lock/directory-lock.js';
import { recoverLog } from '../read/recover.js';
import type { FileSystem, OpenReport } from '../types.js';
import { type CliIo, Exit } from './io.js';
import { mustExist } from './must-exist.js';

/** Help text of `hermes-wal backup`. */
export const BACKUP_HELP = `Usage: hermes-wal backup <dir> <target> [--json] [--max-*]

Writes a copy of the log in <dir> to the new directory <target> (which must not exist, or be
empty): the state the log replays to, as a snapshot and an empty segment, which opens as a normal
log (restore is opening it: point the service's --data-dir at it). The copy is written to a
hidden directory beside <target>, fsynced, then renamed into place, so a crash never leaves a
partial copy under that name. <dir> is not changed: it is replayed read-only, holding its lock.

Only for a log no process holds: a running service's log is locked (WAL_LOCKED, exit 2); back it
up online with the service's POST /admin/backup instead. A torn tail is left out of the copy (as
opening drops it); mid-log damage is refused (WAL_CORRUPT): see \`hermes-wal verify <dir>\`.

Prints the keys, records and bytes copied; --json prints one JSON object
{"target","keys","bytes","position","durationMs","tornTail"}.

A <target> inside <dir> is refused (WAL_INVALID_OPTIONS): the log would not open beside it.

Exit status: 0 copied, 2 refused or failed (lock held, target exists, damage, I/O), 64 usage.
`;

/** What `hermes-wal backup --json` prints. */
interface BackupOutput extends BackupFiles {
  readonly keys: number;
  /** Records of the log the copy holds. */
  readonly position: number;
  readonly durationMs: number;
  readonly tornTail: OpenReport['tornTail'];
}

/** Runs `backup` of `dir` into `target`; resolves the exit status. */
export async function backup(
  dir: string,
  target: string,
  json: boolean,
  limits: RecordLimits,
  io: CliIo,
  fs: FileSystem = nodeFileSystem,
): Promise<number> {
  const started = performance.now();
  await mustExist(fs, dir, 'back up');
  const state = new Map<string, Uint8Array>();
  const lock = await acquireLock(fs, dir).catch((error: unknown) => {
    throw heldError(error);
  });
  let report: OpenReport;
  try {
    ({ report } = await recoverLog({
      fs,
      dir,
      recovery: 'tolerate-tail',
      limits,
      readOnly: true,
      onRecord: (record) => apply(state, record),
    }));
  } finally {
    await lock.release();
  }
  const files = await writeBackup({
    target,
    source: dir,
    fs,
    limits,
    fill: async (writer) => {
      for (const [key, value] of state) await writer.write({ type: 'set', key, value });
    },
  });
  const output: BackupOutput = {
    ...files,
    keys: state.size,
    position: report.records,
    durationMs: performance.now() - started,
    tornTail: report.tornTail,
  };
  await io.out(json ? `${JSON.stringify(output)}\n` : render(dir, output));
  return Exit.ok;
}

function render(dir: string, out: BackupOutput): string {
  const lines = [
    `backed up ${dir} to ${out.target}: ${out.keys} keys from ${out.position} records, ` +
      `${out.bytes} bytes, in ${Math.round(out.durationMs)} ms`,
  ];
  const t = out.tornTail;
  if (t !== null) {
    lines.push(
      `left out a torn tail of ${t.bytes} bytes in ${t.file} at byte ${t.offset} (the log is unchanged)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Applies one replayed record to the state a backup copies. */
function apply(state: Map<string, Uint8Array>, record: LogRecord): void {
  if (record.type === 'clear') {
    for (const key of state.keys()) if (inRange(record, key)) state.delete(key);
    return;
  }
  for (const op of record.type === 'batch' ? record.ops : [record]) {
    if (op.type === 'set') state.set(op.key, op.value);
    else state.delete(op.key);
  }
}

/** Whether `key` is within a `CLEAR` record's bounds, in key order (UTF-8 bytes, i.e. code points). */
function inRange(clear: Extract<LogRecord, { type: 'clear' }>, key: string): boolean {
  const k = Buffer.from(key);
  const cmp = (bound: string): number => Buffer.compare(k, Buffer.from(bound));
  return (
    (clear.gt === undefined || cmp(clear.gt) > 0) &&
    (clear.gte === undefined || cmp(clear.gte) >= 0) &&
    (clear.lt === undefined || cmp(clear.lt) < 0) &&
    (clear.lte === undefined || cmp(clear.lte) <= 0)
  );
}

/** A held log's `WAL_LOCKED`, telling to back up the running service through it instead. */
function heldError(error: unknown): unknown {
  if (!(error instanceof WalError) || error.code !== 'WAL_LOCKED') return error;
  return new WalError(
    'WAL_LOCKED',
    `${error.message} A log in use cannot be backed up from outside: ask the process that holds ` +
      'it (the service: POST /admin/backup; a program: db.backup(target)).',
    { cause: error },
  );
}
