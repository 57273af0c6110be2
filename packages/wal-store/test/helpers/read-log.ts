import { compareKeys } from '@hermes/store';
import { type ClearRecord, type FileSystem, type LogRecord, openWal } from '@hermes/wal';

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
  if (record.type === 'clear') return [];
  return record.type === 'batch' ? record.ops.map((op) => op.key) : [record.key];
}

/** Whether `key` lies within the bounds of `clear`. */
export function inClear(clear: ClearRecord, key: string): boolean {
  return (
    (clear.gt === undefined || compareKeys(key, clear.gt) > 0) &&
    (clear.gte === undefined || compareKeys(key, clear.gte) >= 0) &&
    (clear.lt === undefined || compareKeys(key, clear.lt) < 0) &&
    (clear.lte === undefined || compareKeys(key, clear.lte) <= 0)
  );
}

/** Applies `record` to a model of the store (values as given by `value`). */
export function applyRecord<V>(
  model: Map<string, V>,
  record: LogRecord,
  value: (bytes: Uint8Array) => V,
): void {
  if (record.type === 'clear') {
    for (const key of [...model.keys()]) if (inClear(record, key)) model.delete(key);
    return;
  }
  for (const op of record.type === 'batch' ? record.ops : [record]) {
    if (op.type === 'set') model.set(op.key, value(op.value));
    else model.delete(op.key);
  }
}

/** A record as short text, for comparisons: `set k=v`, `del k`, `batch[set a=1,del b]`. */
export function describeRecord(record: LogRecord): string {
  if (record.type === 'batch') return `batch[${record.ops.map(describeRecord).join(',')}]`;
  if (record.type === 'delete') return `del ${record.key}`;
  if (record.type === 'clear') {
    const { type: _type, ...bounds } = record;
    return `clear ${JSON.stringify(bounds)}`;
  }
  return `set ${record.key}=${new TextDecoder().decode(record.value)}`;
}

/** The log in `dir` as {@link describeRecord} lines. */
export async function readLogText(dir: string, fs?: FileSystem): Promise<string[]> {
  return (await readLog(dir, fs)).map(describeRecord);
}
