import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord } from '@hermes/wal';
import { openWal } from '@hermes/wal';
import { afterEach, describe, expect, it } from 'vitest';
import { bareReplay } from '../src/core/bare-replay.js';
import { keyOf } from '../src/core/data.js';
import { fillLog } from '../src/core/hermes-log.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('bareReplay (the open baseline)', () => {
  it('rebuilds the same map as the wal replays from the same log, churn included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-bare-'));
    dirs.push(dir);
    await fillLog(dir, 3000, 700);
    const bare = await bareReplay(dir);
    const replayed = new Map<string, Buffer>();
    const { wal } = await openWal({
      dir,
      onRecord: (r: LogRecord) => {
        if (r.type === 'set') replayed.set(r.key, Buffer.from(r.value));
      },
    });
    await wal.close();
    expect(bare.size).toBe(700);
    expect(replayed.size).toBe(700);
    for (const [k, v] of replayed) expect(bare.get(k)?.equals(v)).toBe(true);
  });
});

describe('keyOf', () => {
  it('gives distinct 16-byte keys', () => {
    const keys = new Set(Array.from({ length: 10_000 }, (_, i) => keyOf(i * 7919)));
    expect(keys.size).toBe(10_000);
    for (const k of keys) expect(Buffer.byteLength(k)).toBe(16);
  });
});
