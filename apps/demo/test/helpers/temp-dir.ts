import { TempDirs } from '@hermes/wal/testing';

/** A fresh temp folder; `remove()` deletes it. */
export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const dirs = new TempDirs();
  const dir = await dirs.make('hermes-demo-');
  return { path: dir, remove: () => dirs.cleanup() };
}
