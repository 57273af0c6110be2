import { readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { nodeFileSystem as fs } from '../src/index.js';
import { tempDir } from './helpers/wal-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await fs.mkdir(dir);
});

afterEach(async () => {
  await cleanup();
});

test('openAppend appends every chunk in order and tracks the size', async () => {
  const path = join(dir, 'f');
  await writeFile(path, 'abc');
  const file = await fs.openAppend(path);
  expect(file.size).toBe(3);
  await file.write([Buffer.from('de'), new Uint8Array(0), Buffer.from('f')]);
  await file.write(Array.from({ length: 3000 }, (_, i) => Buffer.from(String(i % 10))));
  expect(file.size).toBe(3006);
  await file.datasync();
  await file.close();
  const text = await readFile(path, 'utf8');
  expect(text.slice(0, 6)).toBe('abcdef');
  expect(text.slice(6, 16)).toBe('0123456789');
});

test('writeExclusive refuses an existing file', async () => {
  const path = join(dir, 'x');
  await fs.writeExclusive(path, Buffer.from('1'));
  await expect(fs.writeExclusive(path, Buffer.from('2'))).rejects.toMatchObject({ code: 'EEXIST' });
  expect(Buffer.from(await fs.readFile(path)).toString()).toBe('1');
});

test('size, rename, unlink, truncate, readdir and syncDir', async () => {
  const a = join(dir, 'a');
  expect(await fs.size(a)).toBeUndefined();
  await fs.writeExclusive(a, Buffer.from('hello world'));
  await fs.rename(a, join(dir, 'b'));
  expect(await fs.readdir(dir)).toEqual(['b']);
  await fs.truncate(join(dir, 'b'), 5);
  expect(await fs.size(join(dir, 'b'))).toBe(5);
  await fs.syncDir(dir);
  await fs.unlink(join(dir, 'b'));
  await fs.unlink(join(dir, 'b')); // missing is fine
  expect(await fs.readdir(dir)).toEqual([]);
});

test('openRead reads at a position', async () => {
  await writeFile(join(dir, 'r'), '0123456789');
  const file = await fs.openRead(join(dir, 'r'));
  expect(file.size).toBe(10);
  const buffer = new Uint8Array(4);
  expect(await file.read(buffer, 3)).toBe(4);
  expect(Buffer.from(buffer).toString()).toBe('3456');
  expect(await file.read(buffer, 10)).toBe(0);
  await file.close();
});

test('writeExclusive never shows a reader the file without its data (a LOCK is never seen torn)', async () => {
  const data = Buffer.from(`${JSON.stringify({ pid: 1, token: 'x'.repeat(64) })}\n`);
  let seenEmpty = 0;
  for (let round = 0; round < 300; round++) {
    const path = join(dir, `LOCK${round}`);
    let done = false;
    const writing = fs.writeExclusive(path, data).finally(() => {
      done = true;
    });
    // Read as another opener would, on every turn of the event loop while the write is in flight
    // (between its steps: create, write, link).
    while (!done) {
      let seen: Buffer | undefined;
      try {
        seen = readFileSync(path);
      } catch {}
      if (seen !== undefined && !seen.equals(data)) seenEmpty++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writing;
    await expect(fs.writeExclusive(path, data)).rejects.toMatchObject({ code: 'EEXIST' });
  }
  expect(seenEmpty).toBe(0);
  // No hidden file is left behind.
  expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
});
