import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type LogRecord, openWal, type Wal } from '../src/index.js';
import { parseLogFileName } from '../src/layout.js';
import { type FaultTarget, FaultyFileSystem, type FsOperation } from '../src/testing/index.js';
import { replayState, tempDir } from './helpers/wal-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  await cleanup();
});

const set = (key: string, value: string): LogRecord => ({
  type: 'set',
  key,
  value: Buffer.from(value),
});

/** Appends a history over three segments; resolves the state at the cut and the final state. */
async function history(
  wal: Wal,
): Promise<{ upTo: number; atCut: Map<string, string>; final: Map<string, string> }> {
  const state = new Map<string, string>();
  const apply = async (record: LogRecord): Promise<void> => {
    await wal.append(record);
    if (record.type === 'set') state.set(record.key, Buffer.from(record.value).toString());
    else if (record.type === 'delete') state.delete(record.key);
  };
  for (let i = 0; i < 20; i++) await apply(set(`k${i}`, `v${i}`));
  await wal.rotate();
  for (let i = 0; i < 20; i += 3) await apply({ type: 'delete', key: `k${i}` });
  await apply(set('k1', 'changed'));
  const upTo = await wal.rotate();
  const atCut = new Map(state);
  await apply(set('k2', 'after-cut'));
  await apply(set('k100', 'new'));
  return { upTo, atCut, final: state };
}

async function writeState(
  writer: { write(r: LogRecord): Promise<void> },
  state: Map<string, string>,
): Promise<void> {
  for (const [key, value] of state) await writer.write(set(key, value));
}

async function files(): Promise<string[]> {
  return (await readdir(dir)).filter((n) => parseLogFileName(n) !== undefined).sort();
}

test('installing a snapshot replaces the segments below the cut, and replays to the same state', async () => {
  const { wal } = await openWal({ dir });
  const { upTo, atCut, final } = await history(wal);
  let during: Promise<void> | undefined;
  await wal.installSnapshot(upTo, async (writer) => {
    // Appends keep flowing while the snapshot is written.
    during = wal.append(set('k200', 'during'));
    await writeState(writer, atCut);
  });
  await during;
  final.set('k200', 'during');
  const names = await files();
  expect(names.filter((n) => n.endsWith('.snap'))).toHaveLength(1);
  expect(
    names.filter((n) => n.endsWith('.wal')).every((n) => parseLogFileName(n)!.seq >= upTo),
  ).toBe(true);
  expect(wal.stats().snapshotBytes).toBeGreaterThan(0);
  await wal.close();
  expect(await replayState(dir)).toEqual(final);
  const { report, wal: again } = await openWal({ dir });
  expect(report.fromSnapshot).toBe(true);
  await again.close();
});

test('a failing snapshot writer leaves the log as it was', async () => {
  const { wal } = await openWal({ dir });
  const { upTo, final } = await history(wal);
  const before = await files();
  await expect(
    wal.installSnapshot(upTo, async () => {
      throw new Error('boom');
    }),
  ).rejects.toThrow('boom');
  expect(await files()).toEqual(before);
  await wal.close();
  expect(await replayState(dir)).toEqual(final);
});

test('installSnapshot refuses a cut beyond the current segment', async () => {
  const { wal } = await openWal({ dir });
  await expect(wal.installSnapshot(99, async () => {})).rejects.toMatchObject({
    code: 'WAL_INVALID_OPTIONS',
  });
  await wal.close();
});

describe('a crash at each step of a snapshot install reopens to the same state', () => {
  const tmp = /\.snap\.tmp$/;
  const steps: [string, FsOperation, FaultTarget][] = [
    ['creating the temporary file', 'openAppend', { path: tmp }],
    ['writing it', 'write', { path: tmp }],
    ['fsyncing it', 'datasync', { path: tmp }],
    ['renaming it', 'rename', {}],
    ['fsyncing the directory after the rename', 'syncDir', {}],
    ['removing the first old segment', 'unlink', { path: /\.wal$/ }],
    ['removing the second old segment', 'unlink', { path: /\.wal$/, nth: 2 }],
    ['the final directory fsync', 'syncDir', { nth: 2 }],
  ];

  test.each(steps)('while %s', async (_step, operation, target) => {
    const fs = new FaultyFileSystem();
    const { wal } = await openWal({ dir, fs });
    const { upTo, atCut, final } = await history(wal);
    const hang = fs.hang(operation, target);
    const install = wal.installSnapshot(upTo, (writer) => writeState(writer, atCut));
    install.catch(() => {});
    await hang.reached;
    await fs.crash();
    hang.release();
    await install.catch(() => {});
    await wal.close().catch(() => {});
    expect(await replayState(dir)).toEqual(final);
    // And it stays so once recovery has tidied up.
    expect(await replayState(dir)).toEqual(final);
  });

  test('after the install completed', async () => {
    const fs = new FaultyFileSystem();
    const { wal } = await openWal({ dir, fs });
    const { upTo, atCut, final } = await history(wal);
    await wal.installSnapshot(upTo, (writer) => writeState(writer, atCut));
    await fs.crash();
    await wal.close().catch(() => {});
    expect(await replayState(dir)).toEqual(final);
  });
});

test('a snapshot whose log sync fails is not installed, and its temporary file is removed', async () => {
  const fs = new FaultyFileSystem();
  const { wal } = await openWal({ dir, fs, sync: 60_000 });
  const { upTo, atCut, final } = await history(wal);
  const before = await files();
  fs.fail('datasync', 'EIO', { path: /\.wal$/ });
  await expect(
    wal.installSnapshot(upTo, (writer) => writeState(writer, atCut)),
  ).rejects.toMatchObject({
    code: 'WAL_SYNC_FAILED',
  });
  expect(await files()).toEqual(before);
  await wal.close().catch(() => {});
  expect(await replayState(dir)).toEqual(final);
});
