// Uses @hermes/wal alone: open, append, close, reopen and replay, in the folder given as argv[2].
import assert from 'node:assert/strict';
import { type LogRecord, openWal, SyncEveryWrite, WalError } from '@hermes/wal';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: node wal.js <dir>');

const records: LogRecord[] = [
  { type: 'set', key: 'user:1', value: new TextEncoder().encode('Ada') },
  {
    type: 'batch',
    ops: [
      { type: 'set', key: 'user:2', value: new Uint8Array([0, 255]) },
      { type: 'delete', key: 'user:1' },
    ],
  },
  { type: 'delete', key: 'user:3' },
];

const { wal } = await openWal({ dir, sync: SyncEveryWrite });
await Promise.all(records.map((r) => wal.append(r)));
await assert.rejects(
  openWal({ dir }),
  (e: unknown) => e instanceof WalError && e.code === 'WAL_LOCKED',
);
await wal.close();
await assert.rejects(
  wal.append(records[0]!),
  (e: unknown) => e instanceof WalError && e.code === 'WAL_CLOSED',
);

const replayed: LogRecord[] = [];
const { wal: again, report } = await openWal({ dir, onRecord: (r) => replayed.push(r) });
await again.close();
const plain = (r: LogRecord): unknown =>
  r.type === 'batch'
    ? { type: 'batch', ops: r.ops.map(plain) }
    : r.type === 'set'
      ? { ...r, value: [...r.value] }
      : { ...r };
assert.deepEqual(replayed.map(plain), records.map(plain));
assert.equal(report.records, records.length);
assert.equal(report.tornTail, null);

console.log(`ok @hermes/wal: ${report.records} records appended, closed, reopened and replayed`);
