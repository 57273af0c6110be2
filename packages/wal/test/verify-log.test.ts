import { readFile, truncate, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLog } from '../src/index.js';
import { setRecord } from '../src/testing/index.js';
import { listDir, makeTempDir, removeDir, writeSegment } from './helpers/log-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('verifyLog', () => {
  it('says clean for a clean log and counts its records', async () => {
    await writeSegment(dir, 1, [setRecord(0), setRecord(1)]);
    const seen: string[] = [];
    const out = await verifyLog({
      dir,
      onRecord: (r) => seen.push('key' in r ? r.key : ''),
    });
    expect(out.verdict).toBe('clean');
    expect(out.report.records).toBe(2);
    expect(seen).toEqual(['k0', 'k1']);
  });

  it('says torn-tail for an interrupted last write and changes nothing', async () => {
    const seg = await writeSegment(dir, 1, [setRecord(0), setRecord(1)]);
    await truncate(seg.path, seg.size - 1);
    const before = await listDir(dir);
    const out = await verifyLog({ dir });
    expect(out.verdict).toBe('torn-tail');
    expect(out.report.tornTail).toMatchObject({ offset: seg.offsets[1] });
    expect(await listDir(dir)).toEqual(before);
    expect((await readFile(seg.path)).length).toBe(seg.size - 1);
  });

  it('says corrupt and lists every damaged span, with the records around them', async () => {
    const seg = await writeSegment(
      dir,
      1,
      [0, 1, 2, 3, 4].map((i) => setRecord(i)),
    );
    const bytes = await readFile(seg.path);
    for (const r of [1, 3]) bytes[seg.offsets[r]! + seg.lengths[r]! - 3]! ^= 4;
    await writeFile(seg.path, bytes);
    const out = await verifyLog({ dir });
    expect(out.verdict).toBe('corrupt');
    expect(out.report.records).toBe(3);
    expect(out.damage.map((d) => [d.offset, d.reason])).toEqual([
      [seg.offsets[1], 'checksum'],
      [seg.offsets[3], 'checksum'],
    ]);
  });

  it('rejects with ENOENT for a directory that does not exist', async () => {
    await expect(verifyLog({ dir: `${dir}/missing` })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
