import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRecord, FILE_HEADER, FILE_HEADER_V1, type LogRecord } from '@hermes/record';
import { describe, expect, it } from 'vitest';
import { openWal } from '../src/index.js';
import { segmentName } from '../src/layout.js';
import { setRecord } from '../src/testing/index.js';
import { plain, replay, thrown, useTempDir } from './helpers/log-dir.js';

let dir: string;
useTempDir((d) => {
  dir = d;
});

/** Writes segment `seq` as a version 1 writer did: the v1 header, then `records`. */
async function writeV1Segment(seq: number, records: readonly LogRecord[]): Promise<string> {
  const path = join(dir, segmentName(seq));
  await writeFile(path, Buffer.concat([FILE_HEADER_V1, ...records.map((r) => encodeRecord(r))]));
  return path;
}

describe('log format version 2', () => {
  it('new segments start with the v2 header', async () => {
    const { wal } = await openWal({ dir });
    await wal.append(setRecord(0));
    await wal.close();
    const bytes = await readFile(join(dir, segmentName(1)));
    expect(bytes.subarray(0, FILE_HEADER.length).toString('latin1')).toBe('HERMES-LOG 2\n');
  });

  it('OlderLogReplays: v1 segments replay unchanged, and appends go to a fresh v2 segment, never into the v1 one', async () => {
    const old = [setRecord(0), setRecord(1), { type: 'delete', key: 'k0' } as const];
    const v1 = await writeV1Segment(1, old);
    const before = await readFile(v1);
    const seen: LogRecord[] = [];
    const { wal } = await openWal({ dir, onRecord: (r) => seen.push(r) });
    expect(seen.map(plain)).toEqual(old.map(plain));
    const clear: LogRecord = { type: 'clear', gte: 'k', lt: 'l' };
    await wal.append(clear);
    await wal.append(setRecord(2));
    await wal.close();
    expect((await readFile(v1)).equals(before)).toBe(true);
    const next = await readFile(join(dir, segmentName(2)));
    expect(next.subarray(0, 13).toString('latin1')).toBe('HERMES-LOG 2\n');
    const out = await replay(dir);
    expect(out.records.map(plain)).toEqual([...old, clear, setRecord(2)].map(plain));
    expect(out.positions.map((p) => p.segment)).toEqual([1, 1, 1, 2, 2]);
  });

  it('ClearRecord: a ranged clear is appended and replayed as one record, at its place in the log', async () => {
    const records: LogRecord[] = [
      setRecord(0),
      { type: 'clear', gt: 'a b', lte: 'café 😀' },
      { type: 'clear' },
      setRecord(1),
    ];
    const { wal } = await openWal({ dir });
    for (const record of records) await wal.append(record);
    await wal.close();
    const out = await replay(dir);
    expect(out.records.map(plain)).toEqual(records.map(plain));
  });

  it('ClearInV1Segment: a CLEAR line inside a v1 segment is WAL_CORRUPT (unknown-op), never applied', async () => {
    const path = await writeV1Segment(1, [setRecord(0), { type: 'clear', gt: 'a' }, setRecord(1)]);
    const error = await thrown(() => replay(dir));
    expect(error).toMatchObject({ code: 'WAL_CORRUPT', reason: 'unknown-op', file: path });
  });
});
