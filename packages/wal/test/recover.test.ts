import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_HEADER } from '@hermes/record';
import { describe, expect, it } from 'vitest';
import { segmentName, snapshotName, snapshotTempName } from '../src/layout.js';
import { setRecord, setRecords } from '../src/testing/index.js';
import {
  listDir,
  plain,
  replay,
  useTempDir,
  writeSegment,
  writeSnapshot,
} from './helpers/log-dir.js';

let dir: string;
useTempDir((d) => {
  dir = d;
});

const range = setRecords;

describe('recoverLog', () => {
  it('replays an empty directory as an empty log', async () => {
    const out = await replay(dir);
    expect(out.records).toEqual([]);
    expect(out.lastSegment).toBeNull();
    expect(out.snapshotSeq).toBeNull();
    expect(out.report).toMatchObject({ records: 0, segments: 0, tornTail: null, skipped: 0 });
  });

  it('replays segments in numeric order with each record position', async () => {
    const b = await writeSegment(dir, 2, range(3, 6));
    const a = await writeSegment(dir, 1, range(0, 3));
    await writeFile(join(dir, '.notes'), 'a dotfile, which the log documents it ignores');
    const out = await replay(dir);
    expect(out.records.map(plain)).toEqual(range(0, 6).map(plain));
    expect(out.positions).toEqual([
      ...a.offsets.map((offset) => ({ segment: 1, offset })),
      ...b.offsets.map((offset) => ({ segment: 2, offset })),
    ]);
    expect(out.segments).toEqual([1, 2]);
    expect(out.lastSegment).toEqual({ seq: 2, size: b.size, format: 'v2', endsDamaged: false });
    expect(out.report).toMatchObject({
      records: 6,
      segments: 2,
      bytes: a.size + b.size,
      fromSnapshot: false,
      legacy: false,
      tornTail: null,
    });
  });

  it('replays the snapshot first, then the segments at or above it', async () => {
    await writeSnapshot(dir, 3, [setRecord(100), setRecord(101)]);
    const seg = await writeSegment(dir, 3, range(0, 2));
    const out = await replay(dir);
    expect(out.records.map(plain)).toEqual(
      [setRecord(100), setRecord(101), ...range(0, 2)].map(plain),
    );
    expect(out.positions[0]).toEqual({ segment: 3, offset: FILE_HEADER.length });
    expect(out.positions[2]).toEqual({ segment: 3, offset: seg.offsets[0] });
    expect(out.snapshotSeq).toBe(3);
    expect(out.report.fromSnapshot).toBe(true);
  });

  it('tidies leftovers of an interrupted snapshot install and keeps what replays the same', async () => {
    // The install wrote snapshot 5, renamed it into place, then crashed before dropping the old
    // segments; an older snapshot and a newer half-written one are also there.
    await writeSnapshot(dir, 2, [setRecord(900)]);
    await writeSegment(dir, 2, range(0, 2));
    await writeSegment(dir, 4, range(2, 4));
    await writeSnapshot(dir, 5, [setRecord(500)]);
    await writeSegment(dir, 5, range(4, 6));
    await writeFile(join(dir, snapshotTempName(9)), 'half a snapshot');
    const out = await replay(dir);
    expect(out.records.map(plain)).toEqual([setRecord(500), ...range(4, 6)].map(plain));
    expect(out.obsolete).toEqual(
      [snapshotName(2), segmentName(2), segmentName(4), snapshotTempName(9)].sort(),
    );
    expect(await listDir(dir)).toEqual([segmentName(5), snapshotName(5)].sort());
    const again = await replay(dir);
    expect(again.records.map(plain)).toEqual(out.records.map(plain));
    expect(again.obsolete).toEqual([]);
  });

  it('leaves leftovers in place when read-only', async () => {
    await writeSegment(dir, 1, range(0, 2));
    await writeSnapshot(dir, 2, [setRecord(7)]);
    await writeFile(join(dir, snapshotTempName(3)), 'x');
    const before = await listDir(dir);
    const out = await replay(dir, { readOnly: true });
    expect(out.obsolete).toEqual([segmentName(1), snapshotTempName(3)]);
    expect(await listDir(dir)).toEqual(before);
  });

  it('a snapshot with no segment after it leaves no last segment', async () => {
    await writeSnapshot(dir, 4, [setRecord(1)]);
    await writeSegment(dir, 3, range(0, 1));
    const out = await replay(dir);
    expect(out.records.map(plain)).toEqual([setRecord(1)].map(plain));
    expect(out.lastSegment).toBeNull();
    expect(out.segments).toEqual([]);
  });

  it('a 0-byte last segment is an empty v2 segment (the format written now)', async () => {
    await writeSegment(dir, 1, range(0, 2));
    await writeFile(join(dir, segmentName(2)), '');
    const out = await replay(dir);
    expect(out.records).toHaveLength(2);
    expect(out.lastSegment).toEqual({ seq: 2, size: 0, format: 'v2', endsDamaged: false });
    expect(out.report.tornTail).toBeNull();
  });

  it('a last segment torn inside its header is cut to 0 bytes, the bytes kept', async () => {
    await writeSegment(dir, 1, range(0, 2));
    const path = join(dir, segmentName(2));
    await writeFile(path, FILE_HEADER.subarray(0, FILE_HEADER.length - 1));
    const out = await replay(dir);
    expect(out.records).toHaveLength(2);
    expect(out.lastSegment).toEqual({ seq: 2, size: 0, format: 'v2', endsDamaged: false });
    expect(out.report.tornTail).toEqual({
      file: path,
      offset: 0,
      bytes: FILE_HEADER.length - 1,
      brokenFile: `${path}.broken`,
    });
    expect((await replay(dir)).report.tornTail).toBeNull();
  });

  it('replays segments in the seed legacy format (SET <key> <base64>)', async () => {
    const path = join(dir, segmentName(1));
    await writeFile(
      path,
      `SET alpha ${Buffer.from('one').toString('base64')}\nSET beta ${Buffer.from([0, 255, 10]).toString('base64')}\n`,
    );
    const out = await replay(dir);
    expect(out.records.map(plain)).toEqual(
      [
        { type: 'set', key: 'alpha', value: Buffer.from('one') },
        { type: 'set', key: 'beta', value: Buffer.from([0, 255, 10]) },
      ].map((r) => plain(r as never)),
    );
    expect(out.report.legacy).toBe(true);
    expect(out.lastSegment?.format).toBe('legacy');
  });

  it('a legacy segment followed by checksummed segments replays in order', async () => {
    await writeFile(join(dir, segmentName(1)), `SET old ${Buffer.from('v').toString('base64')}\n`);
    await writeSegment(dir, 2, range(0, 1));
    const out = await replay(dir);
    expect(out.records.map((r) => ('key' in r ? r.key : ''))).toEqual(['old', 'k0']);
    expect(out.report.legacy).toBe(true);
    expect(out.lastSegment?.format).toBe('v2');
  });

  it('reports progress up to bytesTotal, throttled, never backwards', async () => {
    const big = Buffer.alloc(64 * 1024, 'x').toString();
    const records = Array.from({ length: 200 }, (_, i) => setRecord(i, big)); // ~17 MiB
    const a = await writeSegment(dir, 1, records.slice(0, 100));
    const b = await writeSegment(dir, 2, records.slice(100));
    const seen: { bytesDone: number; bytesTotal: number }[] = [];
    const out = await replay(dir, { onProgress: (p) => seen.push(p) });
    const total = a.size + b.size;
    expect(out.report.bytes).toBe(total);
    expect(seen.at(-1)).toEqual({ bytesDone: total, bytesTotal: total });
    expect(seen.every((p) => p.bytesTotal === total)).toBe(true);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytesDone).toBeGreaterThan(seen[i - 1]!.bytesDone);
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(total / (4 * 1024 * 1024)) + 2);
  });

  it('reports progress once for an empty log', async () => {
    const seen: unknown[] = [];
    await replay(dir, { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([{ bytesDone: 0, bytesTotal: 0 }]);
  });

  it('a segment cut exactly at a record boundary is clean, not torn', async () => {
    const seg = await writeSegment(dir, 1, range(0, 3));
    await truncate(seg.path, seg.offsets[2]!);
    const out = await replay(dir);
    expect(out.records).toHaveLength(2);
    expect(out.report.tornTail).toBeNull();
    expect(out.lastSegment?.size).toBe(seg.offsets[2]);
  });
});
