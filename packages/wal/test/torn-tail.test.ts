import { mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogRecord } from '@hermes/record';
import { describe, expect, it } from 'vitest';
import { segmentName } from '../src/layout.js';
import { setRecord } from '../src/testing/index.js';
import {
  encodeFile,
  listDir,
  makeTempDir,
  plain,
  removeDir,
  replay,
  useTempDir,
  writeSegment,
} from './helpers/log-dir.js';

let dir: string;
useTempDir((d) => {
  dir = d;
}, 'file');

const finalBatch: LogRecord = {
  type: 'batch',
  ops: [
    { type: 'set', key: 'batch a', value: Buffer.from('first op of the final batch') },
    { type: 'delete', key: 'k1' },
    { type: 'set', key: 'batch/c', value: Buffer.from([0, 1, 2, 10, 13, 255]) },
  ],
};

describe.each([
  ['a set record', setRecord(99, 'the final value\nwith a newline')],
  ['an atomic batch', finalBatch],
])('truncation at every byte offset of the final record (%s)', (_label, final) => {
  it('replays exactly the prefix, keeps the cut bytes, and leaves the log clean', async () => {
    const earlier = [setRecord(0), setRecord(1)];
    const first = encodeFile([setRecord(-1), setRecord(-2)]);
    const last = encodeFile([...earlier, final]);
    const finalOffset = last.offsets.at(-1)!;
    const finalLength = last.lengths.at(-1)!;
    const expected = [setRecord(-1), setRecord(-2), ...earlier].map(plain);
    for (let cut = 0; cut < finalLength; cut++) {
      const caseDir = await mkdtemp(join(dir, `cut-${cut}-`));
      await writeFile(join(caseDir, segmentName(1)), first.bytes);
      const path = join(caseDir, segmentName(2));
      await writeFile(path, last.bytes.subarray(0, finalOffset + cut));

      const out = await replay(caseDir);
      expect(out.records.map(plain), `cut ${cut}`).toEqual(expected);
      expect(out.lastSegment, `cut ${cut}`).toEqual({
        seq: 2,
        size: finalOffset,
        format: 'v2',
        endsDamaged: false,
      });
      if (cut === 0) {
        expect(out.report.tornTail, `cut ${cut}`).toBeNull();
      } else {
        expect(out.report.tornTail, `cut ${cut}`).toEqual({
          file: path,
          offset: finalOffset,
          bytes: cut,
          brokenFile: `${path}.broken`,
        });
        const kept = await readFile(`${path}.broken`);
        expect(kept.equals(last.bytes.subarray(finalOffset, finalOffset + cut)), `cut ${cut}`).toBe(
          true,
        );
      }
      expect((await readFile(path)).length, `cut ${cut}`).toBe(finalOffset);

      const again = await replay(caseDir);
      expect(again.report.tornTail, `second open after cut ${cut}`).toBeNull();
      expect(again.records.map(plain)).toEqual(expected);
    }
    // The complete record replays whole.
    const whole = await mkdtemp(join(dir, 'whole-'));
    await writeFile(join(whole, segmentName(1)), last.bytes);
    expect((await replay(whole)).records.map(plain)).toEqual([...earlier, final].map(plain));
  });
});

describe('tolerate-tail', () => {
  it('refuses trailing damage of several lines: a torn tail is at most the final record', async () => {
    const caseDir = await makeTempDir();
    try {
      const seg = await writeSegment(caseDir, 1, [setRecord(0), setRecord(1)]);
      const garbage = Buffer.from('this is not a record\nnor this');
      const bytes = Buffer.concat([await readFile(seg.path), garbage]);
      await writeFile(seg.path, bytes);
      const error = await replay(caseDir).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'WAL_CORRUPT', file: seg.path, offset: seg.size });
      expect(String(error)).toContain(
        'a torn tail is at most the final record of the last segment',
      );
      expect((await readFile(seg.path)).equals(bytes)).toBe(true);
    } finally {
      await removeDir(caseDir);
    }
  });

  it('cuts a tail of zeros (a file extended but never written)', async () => {
    const caseDir = await makeTempDir();
    try {
      const seg = await writeSegment(caseDir, 1, [setRecord(0)]);
      await truncate(seg.path, seg.size + 4096);
      const out = await replay(caseDir);
      expect(out.records).toHaveLength(1);
      expect(out.report.tornTail).toMatchObject({ offset: seg.size, bytes: 4096 });
    } finally {
      await removeDir(caseDir);
    }
  });

  it('never overwrites an earlier .broken file', async () => {
    const caseDir = await makeTempDir();
    try {
      const seg = await writeSegment(caseDir, 1, [setRecord(0), setRecord(1)]);
      const whole = await readFile(seg.path);
      await writeFile(`${seg.path}.broken`, 'an earlier backup');
      await writeFile(`${seg.path}.broken.1`, 'another one');
      await truncate(seg.path, seg.size - 3);
      const out = await replay(caseDir);
      expect(out.report.tornTail?.brokenFile).toBe(`${seg.path}.broken.2`);
      expect(await readFile(`${seg.path}.broken`, 'utf8')).toBe('an earlier backup');
      expect(await readFile(`${seg.path}.broken.1`, 'utf8')).toBe('another one');
      expect(
        (await readFile(`${seg.path}.broken.2`)).equals(
          whole.subarray(seg.offsets[1]!, seg.size - 3),
        ),
      ).toBe(true);
    } finally {
      await removeDir(caseDir);
    }
  });

  it('read-only reports the tail it would cut and changes nothing', async () => {
    const caseDir = await makeTempDir();
    try {
      const seg = await writeSegment(caseDir, 1, [setRecord(0), setRecord(1)]);
      await truncate(seg.path, seg.size - 1);
      const before = await listDir(caseDir);
      const out = await replay(caseDir, { readOnly: true });
      expect(out.report.tornTail).toEqual({
        file: seg.path,
        offset: seg.offsets[1],
        bytes: seg.lengths[1]! - 1,
        brokenFile: `${seg.path}.broken`,
      });
      expect(out.lastSegment?.size).toBe(seg.offsets[1]);
      expect(await listDir(caseDir)).toEqual(before);
      expect((await readFile(seg.path)).length).toBe(seg.size - 1);
    } finally {
      await removeDir(caseDir);
    }
  });
});
