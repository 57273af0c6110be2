import { type FileSystem, type LogRecord, openWal } from '@hermes/wal';

/** Every record the log in `dir` replays, in log order (opens the log with the wal's own replay, then closes it). */
export async function readLog(dir: string, fs?: FileSystem): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const { wal } = await openWal({
    dir,
    onRecord: (record) => {
      records.push(record);
    },
    ...(fs === undefined ? {} : { fs }),
  });
  await wal.close();
  return records;
}

/** The keys a record writes. */
export function keysOf(record: LogRecord): string[] {
  return record.type === 'batch' ? record.ops.map((op) => op.key) : [record.key];
}

/** A record as short text, for comparisons: `set k=v`, `del k`, `batch[set a=1,del b]`. */
export function describeRecord(record: LogRecord): string {
  if (record.type === 'batch') return `batch[${record.ops.map(describeRecord).join(',')}]`;
  if (record.type === 'delete') return `del ${record.key}`;
  return `set ${record.key}=${new TextDecoder().decode(record.value)}`;
}

/** The log in `dir` as {@link describeRecord} lines. */
export async function readLogText(dir: string, fs?: FileSystem): Promise<string[]> {
  return (await readLog(dir, fs)).map(describeRecord);
}
