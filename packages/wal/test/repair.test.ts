import { readdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveLimits } from '@hermes/record';
import { describe, expect, it } from 'vitest';
import { recoverLog } from '../src/read/recover.js';
import { FaultyFileSystem, type FsOperation, setRecord } from '../src/testing/index.js';
import { replay, useTempDir, writeSegment, writeSnapshot } from './helpers/log-dir.js';

let dir: string;
useTempDir((d) => {
  dir = d;
});

/** A log whose last segment ends in a torn record; returns the tail's offset and bytes. */
async function tornLog(): Promise<{ path: string; offset: number; tail: Buffer }> {
  await writeSegment(dir, 1, [setRecord(0)]);
  const seg = await writeSegment(dir, 2, [setRecord(1), setRecord(2), setRecord(3)]);
  const size = seg.size - 5;
  await truncate(seg.path, size);
  const tail = (await readFile(seg.path)).subarray(seg.offsets[2]!);
  return { path: seg.path, offset: seg.offsets[2]!, tail };
}

/** After a crash, no byte of the tail may be lost: it is still in the segment, or in a backup. */
async function expectTailKept(path: string, offset: number, tail: Buffer): Promise<void> {
  const segment = await readFile(path);
  const stillThere = segment.length === offset + tail.length;
  const backups = (await readdir(dir)).filter((n) => n.includes('.broken'));
  const kept: Buffer[] = [];
  for (const name of backups) kept.push(await readFile(join(dir, name)));
  const backedUp = kept.some((bytes) => bytes.equals(tail));
  expect(stillThere || backedUp, `segment ${segment.length} bytes, backups ${backups}`).toBe(true);
  expect(segment.length === offset || segment.length === offset + tail.length).toBe(true);
}

const faultPoints: [FsOperation, number][] = [
  ['writeExclusive', 1],
  ['openAppend', 1],
  ['write', 1],
  ['datasync', 1],
  ['syncDir', 1],
  ['truncate', 1],
  ['syncDir', 2],
];

describe('repair of a torn tail survives a crash at every step', () => {
  it.each(faultPoints)(
    'the %s call #%i fails, then power is lost: no cut byte is lost, reopening repairs',
    async (operation, nth) => {
      const { path, offset, tail } = await tornLog();
      const fs = new FaultyFileSystem();
      const fault = fs.fail(operation, 'EIO', { nth });
      const error = await recoverLog({
        fs,
        dir,
        recovery: 'tolerate-tail',
        limits: resolveLimits(),
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(fault.fired).toBe(true);
      expect((error as { code?: string } | null)?.code).toBe('EIO');
      await fs.crash({ keepRandomPrefix: true });
      await expectTailKept(path, offset, tail);

      const out = await replay(dir);
      expect(out.records).toHaveLength(3);
      expect(out.lastSegment?.size).toBe(offset);
      await expectTailKept(path, offset, tail);
      expect((await replay(dir)).report.tornTail).toBeNull();
    },
  );

  it('once recoverLog resolves, the cut and its backup survive power loss', async () => {
    const { path, offset, tail } = await tornLog();
    const fs = new FaultyFileSystem();
    const out = await recoverLog({ fs, dir, recovery: 'tolerate-tail', limits: resolveLimits() });
    await fs.crash();
    expect((await readFile(path)).length).toBe(offset);
    expect((await readFile(out.report.tornTail!.brokenFile)).equals(tail)).toBe(true);
    expect((await replay(dir)).report.tornTail).toBeNull();
  });

  it('tidying is durable once recoverLog resolves', async () => {
    await writeSegment(dir, 1, [setRecord(0)]);
    await writeSegment(dir, 2, [setRecord(1)]);
    await writeSnapshot(dir, 2, [setRecord(0)]);
    const fs = new FaultyFileSystem();
    await recoverLog({ fs, dir, recovery: 'tolerate-tail', limits: resolveLimits() });
    await fs.crash();
    expect((await readdir(dir)).sort()).toEqual(['0000000000000002.snap', '0000000000000002.wal']);
  });
});
