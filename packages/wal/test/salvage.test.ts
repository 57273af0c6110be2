import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveLimits } from '@hermes/record';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { REPAIR_HELP } from '../src/cli/repair.js';
import { verify } from '../src/cli/verify.js';
import { nodeFileSystem } from '../src/fs/node-fs.js';
import { segmentName, snapshotName } from '../src/layout.js';
import { openWal } from '../src/open.js';
import { salvageLog } from '../src/read/salvage.js';
import { verifyLog } from '../src/read/verify-log.js';
import { FaultyFileSystem, type FsOperation, setRecord, setRecords } from '../src/testing/index.js';
import { encodeFile, replay, useTempDir, writeSegment } from './helpers/log-dir.js';

let dir: string;
useTempDir((d) => {
  dir = d;
});

const limits = resolveLimits();

/** Segment 1 of five records with a bit flipped in record `damaged`; its bytes before and the line. */
async function damagedLog(damaged = 2): Promise<{ path: string; before: Buffer; line: Buffer }> {
  const seg = await writeSegment(dir, 1, setRecords(0, 5));
  const before = await readFile(seg.path);
  before[seg.offsets[damaged]! + 5]! ^= 1;
  await writeFile(seg.path, before);
  const start = seg.offsets[damaged]!;
  return { path: seg.path, before, line: before.subarray(start, start + seg.lengths[damaged]!) };
}

describe('salvageLog', () => {
  it('drops a record damaged mid-segment, keeps its bytes in <segment>.salvaged, and the log opens again', async () => {
    const { path, line } = await damagedLog(2);
    const report = await salvageLog({ fs: nodeFileSystem, dir, limits });
    expect(report).toMatchObject({ recordsKept: 4, recordsDropped: 1, bytesDropped: line.length });
    expect(report.files).toEqual([
      { file: path, sideFile: `${path}.salvaged`, spans: 1, bytes: line.length },
    ]);
    const side = await readFile(`${path}.salvaged`);
    expect(side.includes(line)).toBe(true);
    expect(side.toString('latin1')).toContain(`# ${segmentName(1)} @`);
    expect((await verifyLog({ dir })).verdict).toBe('clean');
    const out = await replay(dir);
    expect(out.records).toEqual([0, 1, 3, 4].map((i) => setRecord(i)));
  });

  it('salvages a log written by openWal, after which openWal with the default recovery appends', async () => {
    const { wal } = await openWal({ dir });
    for (const record of setRecords(0, 4)) await wal.append(record);
    await wal.close();
    const path = join(dir, segmentName(1));
    const bytes = await readFile(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 1;
    await writeFile(path, bytes);
    await expect(openWal({ dir })).rejects.toMatchObject({ code: 'WAL_CORRUPT' });
    const report = await salvageLog({ fs: nodeFileSystem, dir, limits });
    expect(report.recordsKept).toBe(3);
    expect(report.recordsDropped).toBe(1);
    const seen: unknown[] = [];
    const reopened = await openWal({ dir, onRecord: (r) => seen.push(r) });
    expect(reopened.report.skipped).toBe(0);
    expect(seen).toHaveLength(3);
    await reopened.wal.append(setRecord(9));
    await reopened.wal.close();
  });

  it('drops damage in the snapshot and in an earlier segment, one side file each, in log order', async () => {
    const snap = encodeFile(setRecords(0, 3));
    snap.bytes[snap.offsets[1]! + 5]! ^= 1;
    await writeFile(join(dir, snapshotName(2)), snap.bytes);
    const two = await writeSegment(dir, 2, setRecords(3, 6));
    const bytes = await readFile(two.path);
    bytes[two.offsets[0]! + 5]! ^= 1;
    await writeFile(two.path, bytes);
    await writeSegment(dir, 3, setRecords(6, 8));
    const report = await salvageLog({ fs: nodeFileSystem, dir, limits });
    expect(report.recordsKept).toBe(6);
    expect(report.recordsDropped).toBe(2);
    expect(report.files.map((f) => f.sideFile)).toEqual([
      `${join(dir, snapshotName(2))}.salvaged`,
      `${two.path}.salvaged`,
    ]);
    expect((await verifyLog({ dir })).verdict).toBe('clean');
    expect((await replay(dir)).records).toEqual([0, 2, 4, 5, 6, 7].map((i) => setRecord(i)));
  });

  it('drops a torn tail too, keeping it in the side file as repair would in .broken', async () => {
    const seg = await writeSegment(dir, 1, setRecords(0, 3));
    await truncate(seg.path, seg.size - 4);
    const report = await salvageLog({ fs: nodeFileSystem, dir, limits });
    expect(report).toMatchObject({ recordsKept: 2, recordsDropped: 1 });
    expect((await readFile(seg.path)).length).toBe(seg.offsets[2]);
    expect((await verifyLog({ dir })).verdict).toBe('clean');
  });

  it('never overwrites an earlier side file', async () => {
    const { path } = await damagedLog();
    await writeFile(`${path}.salvaged`, 'earlier');
    const report = await salvageLog({ fs: nodeFileSystem, dir, limits });
    expect(report.files[0]?.sideFile).toBe(`${path}.salvaged.1`);
    expect(await readFile(`${path}.salvaged`, 'utf8')).toBe('earlier');
  });

  it('leaves a clean log alone', async () => {
    const seg = await writeSegment(dir, 1, setRecords(0, 3));
    const report = await salvageLog({ fs: nodeFileSystem, dir, limits });
    expect(report).toEqual({ recordsKept: 3, recordsDropped: 0, bytesDropped: 0, files: [] });
    expect(await readdir(dir)).toEqual([segmentName(1)]);
    expect((await readFile(seg.path)).length).toBe(seg.size);
  });

  it('refuses a missing segment (WAL_CORRUPT) and changes nothing', async () => {
    await writeSegment(dir, 1, setRecords(0, 2));
    await writeSegment(dir, 3, setRecords(2, 4));
    await expect(salvageLog({ fs: nodeFileSystem, dir, limits })).rejects.toMatchObject({
      code: 'WAL_CORRUPT',
      reason: 'missing-segment',
    });
    expect((await readdir(dir)).sort()).toEqual([segmentName(1), segmentName(3)]);
  });

  it('refuses a line over the limits (a record written with larger limits, not damage)', async () => {
    await writeSegment(dir, 1, [setRecord(0, 'x'.repeat(2000)), setRecord(1)]);
    const small = resolveLimits({ maxValueBytes: 1000 });
    await expect(salvageLog({ fs: nodeFileSystem, dir, limits: small })).rejects.toMatchObject({
      code: 'WAL_CORRUPT',
      reason: 'too-large',
    });
    expect(await readdir(dir)).toEqual([segmentName(1)]);
  });
});

const faultPoints: [FsOperation, number][] = [
  ['writeExclusive', 1],
  ['write', 1],
  ['datasync', 1],
  ['writeExclusive', 2],
  ['datasync', 2],
  ['syncDir', 1],
  ['rename', 1],
  ['syncDir', 2],
];

describe('salvage survives a crash at every step', () => {
  it.each(faultPoints)(
    'the %s call #%i fails, then power is lost: no byte is lost, salvaging again finishes',
    async (operation, nth) => {
      const { path, before, line } = await damagedLog();
      const fs = new FaultyFileSystem();
      const fault = fs.fail(operation, 'EIO', { nth });
      await expect(salvageLog({ fs, dir, limits })).rejects.toMatchObject({ code: 'EIO' });
      expect(fault.fired).toBe(true);
      await fs.crash({ keepRandomPrefix: true });
      const now = await readFile(path);
      const whole = now.equals(before);
      if (!whole) {
        // Rewritten: the dropped line must be durable in a side file.
        const sides = (await readdir(dir)).filter((n) => n.includes('.salvaged'));
        const kept = await Promise.all(sides.map((n) => readFile(join(dir, n))));
        expect(kept.some((bytes) => bytes.includes(line))).toBe(true);
      }
      const report = await salvageLog({ fs: nodeFileSystem, dir, limits });
      expect(report.recordsKept).toBe(4);
      expect((await verifyLog({ dir })).verdict).toBe('clean');
      expect((await replay(dir)).records).toEqual([0, 1, 3, 4].map((i) => setRecord(i)));
    },
  );

  it('once salvageLog resolves, the rewrite and its side file survive power loss', async () => {
    const { path, line } = await damagedLog();
    const fs = new FaultyFileSystem();
    await salvageLog({ fs, dir, limits });
    await fs.crash();
    expect((await readFile(`${path}.salvaged`)).includes(line)).toBe(true);
    expect((await verifyLog({ dir })).verdict).toBe('clean');
  });
});

/** Runs a command function with an io that collects its output. */
async function collect(run: (io: CliIo) => Promise<number>): Promise<string> {
  let text = '';
  const io: CliIo = {
    out: async (t) => {
      text += t;
    },
    err: async (t) => {
      text += t;
    },
  };
  await run(io);
  return text;
}

describe('what the log recommends is a command that exists', () => {
  it('WAL_CORRUPT of a damaged record names `hermes-wal salvage <dir>` and `hermes-wal verify <dir>`', async () => {
    await damagedLog();
    const error = await openWal({ dir }).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'WAL_CORRUPT' });
    expect((error as Error).message).toContain(`\`hermes-wal salvage ${dir}\``);
    expect((error as Error).message).toContain(`\`hermes-wal verify ${dir}\``);
  });

  it('WAL_CORRUPT of a line over the limits does not send the operator to salvage', async () => {
    await writeSegment(dir, 1, [setRecord(0, 'x'.repeat(2000)), setRecord(1)]);
    const error = await openWal({ dir, limits: { maxValueBytes: 1000 } }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'WAL_CORRUPT', reason: 'too-large' });
    expect((error as Error).message).not.toContain('hermes-wal salvage');
  });

  it('verify of a damaged record recommends `hermes-wal salvage <dir>` and --recovery salvage', async () => {
    await damagedLog();
    const text = await collect((io) => verify(dir, limits, io));
    expect(text).toContain(`\`hermes-wal salvage ${dir}\` rewrites the log without them`);
    expect(text).toContain('--recovery salvage');
  });

  it('verify of a missing segment says salvage cannot drop it', async () => {
    await writeSegment(dir, 1, setRecords(0, 2));
    await writeSegment(dir, 3, setRecords(2, 4));
    const text = await collect((io) => verify(dir, limits, io));
    expect(text).toContain('`hermes-wal salvage` cannot drop the damage');
    expect(text).toContain('missing-segment');
  });

  it('repair --help points at `hermes-wal salvage <dir>`', () => {
    expect(REPAIR_HELP).toContain('`hermes-wal salvage <dir>`');
  });
});
