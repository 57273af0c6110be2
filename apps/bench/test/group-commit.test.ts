import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommitBaseline } from '../src/core/group-commit.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('GroupCommitBaseline', () => {
  for (const io of ['callbacks', 'filehandle'] as const)
    for (const sync of [true, false])
      it(`writes every line once, grouping concurrent writers (${io}, sync ${sync})`, async () => {
        const dir = await mkdtemp(join(tmpdir(), 'bench-gc-'));
        dirs.push(dir);
        const path = join(dir, 'log');
        const log = await GroupCommitBaseline.open(path, sync, io);
        const lines = Array.from({ length: 500 }, (_, i) => Buffer.from(`line ${i}\n`));
        await Promise.all(lines.map((l) => log.write(l)));
        await log.close();
        const text = await readFile(path, 'utf8');
        expect(text.split('\n').filter(Boolean).sort()).toEqual(
          lines.map((l) => l.toString().trim()).sort(),
        );
        expect(log.bytes).toBe(Buffer.concat(lines).length);
        // Called in one turn, the 500 writes are one batch: the first does not go out alone.
        expect(log.commits).toBe(1);
      });

  it('starts the next batch with the writes that came while one was in flight', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-gc-'));
    dirs.push(dir);
    const log = await GroupCommitBaseline.open(join(dir, 'log'), true, 'callbacks');
    const first = Array.from({ length: 10 }, (_, i) => log.write(Buffer.from(`a${i}\n`)));
    // Callers resumed by the first batch write again in one burst: one more batch.
    const again = first.map((done, i) => done.then(() => log.write(Buffer.from(`b${i}\n`))));
    await Promise.all(again);
    await log.close();
    expect(log.commits).toBe(2);
    expect(log.bytes).toBe(60);
  });
});
