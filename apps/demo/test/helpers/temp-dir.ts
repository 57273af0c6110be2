import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh temp folder; `remove()` deletes it. */
export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hermes-demo-'));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
