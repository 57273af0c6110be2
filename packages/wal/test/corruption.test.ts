import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveLimits } from '@hermes/record';
import { describe, expect, it } from 'vitest';
import { WalCorruptError, WalError } from '../src/errors.js';
import { segmentName } from '../src/layout.js';
import { setRecord, setRecords } from '../src/testing/index.js';
import {
  listDir,
  plain,
  replay,
  thrown,
  useTempDir,
  writeSegment,
  writeSnapshot,
} from './helpers/log-dir.js';

let dir: string;
useTempDir((d) => {
  dir = d;
});

const range = setRecords;

async function flipByte(path: string, at: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[at] = bytes[at]! ^ 0x20;
  await writeFile(path, bytes);
}

async function expectCorrupt(
  run: () => Promise<unknown>,
  file: string,
  offset: number,
  messageNamesOffset = true,
): Promise<WalCorruptError> {
  const error = await thrown(run);
  expect(error).toBeInstanceOf(WalCorruptError);
  expect(error).toBeInstanceOf(WalError);
  const corrupt = error as WalCorruptError;
  expect(corrupt.code).toBe('WAL_CORRUPT');
  expect(corrupt.file).toBe(file);
  expect(corrupt.offset).toBe(offset);
  expect(corrupt.message).toContain(file);
  if (messageNamesOffset) expect(corrupt.message).toContain(`byte ${offset}`);
  expect(corrupt.reason).not.toBe('');
  return corrupt;
}

describe('mid-log damage under tolerate-tail (the default)', () => {
  it('a flipped byte mid-log gives WAL_CORRUPT with its file and offset, changing nothing', async () => {
    const seg = await writeSegment(dir, 1, range(0, 10));
    await flipByte(seg.path, seg.offsets[4]! + seg.lengths[4]! - 4); // inside the value
    const before = await readFile(seg.path);
    const error = await expectCorrupt(() => replay(dir), seg.path, seg.offsets[4]!);
    expect(error.reason).toBe('checksum');
    expect((await readFile(seg.path)).equals(before)).toBe(true);
    expect(await listDir(dir)).toEqual(['0000000000000001.wal']);
  });

  it('a zeroed 4 KiB block mid-log gives WAL_CORRUPT at the line it starts in', async () => {
    const seg = await writeSegment(dir, 1, range(0, 400)); // ~12 KiB
    const blockStart = 4096;
    expect(seg.size).toBeGreaterThan(blockStart + 4096 + 1024);
    const bytes = await readFile(seg.path);
    bytes.fill(0, blockStart, blockStart + 4096);
    await writeFile(seg.path, bytes);
    const lineStart = Math.max(...seg.offsets.filter((o) => o <= blockStart));
    await expectCorrupt(() => replay(dir), seg.path, lineStart);
  });

  it('damage at the end of a segment that is not the last is not a torn tail', async () => {
    const first = await writeSegment(dir, 1, range(0, 3));
    await writeSegment(dir, 2, range(3, 5));
    await truncate(first.path, first.size - 2);
    await expectCorrupt(() => replay(dir), first.path, first.offsets[2]!);
  });

  it('damage in the snapshot gives WAL_CORRUPT naming the snapshot', async () => {
    const snap = await writeSnapshot(dir, 2, range(0, 3));
    await writeSegment(dir, 2, range(3, 4));
    const bytes = await readFile(snap);
    const cut = bytes.lastIndexOf(10, bytes.length - 2) + 1; // start of its final line
    await truncate(snap, bytes.length - 1);
    await expectCorrupt(() => replay(dir), snap, cut);
  });

  it('damage followed by valid records in the last segment is corruption, not a tail', async () => {
    const seg = await writeSegment(dir, 1, range(0, 3));
    await flipByte(seg.path, seg.offsets[1]! + 2);
    await expectCorrupt(() => replay(dir), seg.path, seg.offsets[1]!);
  });
});

describe('recovery: strict', () => {
  it('a torn tail is WAL_CORRUPT and the file is not cut', async () => {
    const seg = await writeSegment(dir, 1, range(0, 3));
    await truncate(seg.path, seg.size - 1);
    await expectCorrupt(() => replay(dir, { recovery: 'strict' }), seg.path, seg.offsets[2]!);
    expect((await readFile(seg.path)).length).toBe(seg.size - 1);
    expect(await listDir(dir)).toEqual(['0000000000000001.wal']);
  });

  it('a clean log replays whole', async () => {
    await writeSegment(dir, 1, range(0, 3));
    const out = await replay(dir, { recovery: 'strict' });
    expect(out.records.map(plain)).toEqual(range(0, 3).map(plain));
  });
});

describe('recovery: salvage', () => {
  it('skips damaged records mid-log, counts them, replays the rest, changes nothing', async () => {
    const seg = await writeSegment(dir, 1, range(0, 10));
    await flipByte(seg.path, seg.offsets[2]! + 3);
    await flipByte(seg.path, seg.offsets[7]! + 3);
    const before = await readFile(seg.path);
    const out = await replay(dir, { recovery: 'salvage' });
    expect(out.records.map(plain)).toEqual(
      range(0, 10)
        .filter((_, i) => i !== 2 && i !== 7)
        .map(plain),
    );
    expect(out.report.skipped).toBe(2);
    expect(out.damage.map((d) => [d.kind, d.offset])).toEqual([
      ['skipped', seg.offsets[2]],
      ['skipped', seg.offsets[7]],
    ]);
    expect(out.report.tornTail).toBeNull();
    expect((await readFile(seg.path)).equals(before)).toBe(true);
  });

  it('skips damage in earlier segments and in the snapshot', async () => {
    const snap = await writeSnapshot(dir, 1, range(100, 102));
    await flipByte(snap, (await readFile(snap)).length - 4);
    const first = await writeSegment(dir, 1, range(0, 3));
    await truncate(first.path, first.size - 1);
    await writeSegment(dir, 2, range(3, 4));
    const out = await replay(dir, { recovery: 'salvage' });
    expect(out.records.map(plain)).toEqual(
      [setRecord(100), ...range(0, 2), setRecord(3)].map(plain),
    );
    expect(out.report.skipped).toBe(2);
  });

  it('still cuts a torn tail of the last segment, so new appends start on a clean line', async () => {
    const seg = await writeSegment(dir, 1, range(0, 5));
    await flipByte(seg.path, seg.offsets[1]! + 3);
    await truncate(seg.path, seg.size - 2);
    const out = await replay(dir, { recovery: 'salvage' });
    expect(out.records).toHaveLength(3);
    expect(out.report.skipped).toBe(1);
    expect(out.report.tornTail).toMatchObject({
      offset: seg.offsets[4],
      bytes: seg.lengths[4]! - 2,
    });
    expect((await readFile(seg.path)).length).toBe(seg.offsets[4]);
  });
});

describe('missing segments', () => {
  it('a hole in the segment numbers is WAL_CORRUPT naming the first missing segment', async () => {
    await writeSegment(dir, 1, range(0, 1));
    await writeSegment(dir, 2, range(1, 2));
    await writeSegment(dir, 5, range(2, 3));
    const error = await expectCorrupt(() => replay(dir), join(dir, segmentName(3)), 0, false);
    expect(error.reason).toBe('missing-segment');
    expect(error.message).toContain(segmentName(4));
  });

  it('without a snapshot the log must start at segment 1', async () => {
    await writeSegment(dir, 2, range(0, 1));
    const error = await expectCorrupt(() => replay(dir), join(dir, segmentName(1)), 0, false);
    expect(error.reason).toBe('missing-segment');
  });

  it('after a snapshot the segments must start at its number', async () => {
    await writeSnapshot(dir, 3, range(0, 1));
    await writeSegment(dir, 4, range(1, 2));
    const error = await expectCorrupt(() => replay(dir), join(dir, segmentName(3)), 0, false);
    expect(error.message).toContain('below 3');
  });

  it('salvage replays the segments that are there and counts the missing ones', async () => {
    await writeSegment(dir, 1, range(0, 1));
    await writeSegment(dir, 4, range(1, 2));
    const out = await replay(dir, { recovery: 'salvage' });
    expect(out.records.map(plain)).toEqual(range(0, 2).map(plain));
    expect(out.report.skipped).toBe(2);
    expect(out.damage[0]).toMatchObject({ reason: 'missing-segment', kind: 'skipped' });
  });
});

describe('lines over the reader limits', () => {
  it('a final record over the limits is WAL_CORRUPT, never cut as a torn tail', async () => {
    const seg = await writeSegment(dir, 1, [setRecord(0), setRecord(1, 'x'.repeat(3000))]);
    const limits = resolveLimits({ maxValueBytes: 1000 });
    const error = await expectCorrupt(() => replay(dir, { limits }), seg.path, seg.offsets[1]!);
    expect(error.reason).toBe('too-large');
    expect((await readFile(seg.path)).length).toBe(seg.size);
    const salvaged = await replay(dir, { limits, recovery: 'salvage' });
    expect(salvaged.report.skipped).toBe(1);
    expect(salvaged.report.tornTail).toBeNull();
    expect((await readFile(seg.path)).length).toBe(seg.size);
  });
});

describe('unknown headers', () => {
  it('a last segment holding only an unknown header (a newer format) is WAL_CORRUPT, not cut', async () => {
    await writeSegment(dir, 1, range(0, 2));
    const path = join(dir, segmentName(2));
    await writeFile(path, 'HERMES-LOG 3\n');
    const error = await expectCorrupt(() => replay(dir), path, 0);
    expect(error.reason).toBe('bad-header');
    expect(error.message).toContain('newer format');
    expect(await readFile(path, 'utf8')).toBe('HERMES-LOG 3\n');
  });
});

describe('salvage keeps what could rescue data', () => {
  it('does not tidy segments a damaged snapshot replaces', async () => {
    await writeSegment(dir, 1, range(0, 3));
    const snap = await writeSnapshot(dir, 2, range(0, 3));
    await writeSegment(dir, 2, range(3, 4));
    await flipByte(snap, (await readFile(snap)).length - 4);
    const out = await replay(dir, { recovery: 'salvage' });
    expect(out.report.skipped).toBe(1);
    expect(out.obsolete).toEqual([segmentName(1)]);
    expect(await listDir(dir)).toContain(segmentName(1));
  });
});
