import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { nodeFileSystem, openWal } from '../src/index.js';
import { FaultyFileSystem, setRecord } from '../src/testing/index.js';
import { replayKeys, tempDir } from './helpers/wal-fixtures.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const made = await tempDir();
  root = made.dir;
  cleanup = made.cleanup;
  await nodeFileSystem.mkdir(root);
});

afterEach(async () => {
  await cleanup();
});

test('a first run in a nested folder that does not exist keeps every acknowledged write through power loss', async () => {
  const fs = new FaultyFileSystem();
  const dir = join(root, 'data', 'tenant', 'log');
  const { wal } = await openWal({ dir, fs });
  for (let i = 0; i < 3; i++) await wal.append(setRecord(i));
  await fs.crash();
  await wal.close().catch(() => {});
  expect(await replayKeys(dir)).toEqual(['k0', 'k1', 'k2']);
});

test('opening an existing folder syncs no parent directory', async () => {
  const fs = new FaultyFileSystem();
  const { wal } = await openWal({ dir: root, fs });
  await wal.close();
  const parentSync = fs.fail('syncDir', 'EIO', { path: dirname(root) });
  const { wal: again } = await openWal({ dir: root, fs });
  await again.close();
  expect(parentSync.fired).toBe(false);
});
