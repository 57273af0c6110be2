import { expect, it } from 'vitest';
import { startChild } from './helpers/child.js';
import { tempDir } from './helpers/temp-dir.js';

/** The log's fsync count, read from the service's `/metrics`. */
async function fsyncs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = /^hermes_wal_fsync_duration_seconds_count (\d+)/m.exec(text);
  if (line === null) throw new Error(`no fsync count in /metrics:\n${text.slice(0, 500)}`);
  return Number(line[1]);
}

it('a write with ?sync=true is answered once fsynced, under a policy that would not fsync for an hour, and survives SIGKILL', async () => {
  const dir = await tempDir();
  try {
    const args = ['--sync', '1h', '--port', '0', '--data-dir', dir.path];
    const first = await startChild(args);
    try {
      const base = first.url;
      const before = await fsyncs(base);
      // Without the flag: answered from the page cache, no fsync (the next is an hour away).
      expect((await fetch(`${base}/kv/plain`, { method: 'PUT', body: 'p' })).status).toBe(204);
      expect(await fsyncs(base)).toBe(before);
      // With it, on every write route: each answer comes after an fsync covering it.
      const writes: [string, RequestInit][] = [
        [`${base}/kv/a?sync=true`, { method: 'PUT', body: 'one' }],
        [`${base}/kv/plain?sync=true`, { method: 'DELETE' }],
        [
          `${base}/batch?sync=true`,
          { method: 'POST', body: JSON.stringify([{ type: 'set', key: 'b', value: 'dHdv' }]) },
        ],
      ];
      let count = before;
      for (const [url, init] of writes) {
        expect((await fetch(url, init)).status, `${init.method} ${url}`).toBe(204);
        const now = await fsyncs(base);
        expect(now, `${init.method} ${url} answered before an fsync`).toBeGreaterThan(count);
        count = now;
      }
      expect((await fetch(`${base}/kv/c?sync=maybe`, { method: 'PUT', body: 'x' })).status).toBe(
        400,
      );
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    const again = await startChild(args);
    try {
      expect(await (await fetch(`${again.url}/kv/a`)).text()).toBe('one');
      expect(await (await fetch(`${again.url}/kv/b`)).text()).toBe('two');
      expect((await fetch(`${again.url}/kv/plain`)).status).toBe(404);
    } finally {
      again.child.kill('SIGKILL');
      await again.exited;
    }
  } finally {
    await dir.remove();
  }
});
