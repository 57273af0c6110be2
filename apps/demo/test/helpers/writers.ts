import { Pool } from 'undici';

/** What a client knows about one key: the last value acknowledged (204) and one sent but not acknowledged. */
export interface KeyState {
  acked: string | undefined;
  pending: string | undefined;
}

/** A seeded PRNG (mulberry32), so a failing run can be replayed from its printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The keys the writers use: one writer per key, so "last acknowledged value" is well defined. */
export function keyNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `crash/${i} ü%`);
}

/**
 * Runs one writer per key against `url`: each PUTs fresh values to its key one after the other,
 * recording them in `states`, until `stop()` returns true or a request fails. `onAck` runs
 * after each 204. Resolves when every writer stopped. Counts statuses in `statuses`.
 */
export async function runWriters(
  url: string,
  keys: readonly string[],
  states: Map<string, KeyState>,
  options: { tag: string; stop: () => boolean; onAck: () => void; statuses: Map<number, number> },
): Promise<void> {
  const pool = new Pool(url, { connections: keys.length });
  let seq = 0;
  try {
    await Promise.all(
      keys.map(async (key) => {
        const state = states.get(key)!;
        while (!options.stop()) {
          const value = `${options.tag}:${seq++}:${'v'.repeat(seq % 50)}`;
          state.pending = value;
          let status: number;
          try {
            const res = await pool.request({
              method: 'PUT',
              path: `/kv/${encodeURIComponent(key)}`,
              body: value,
            });
            status = res.statusCode;
            await res.body.dump();
          } catch {
            return; // the connection died: `value` stays pending (it may or may not be stored)
          }
          options.statuses.set(status, (options.statuses.get(status) ?? 0) + 1);
          if (status !== 204) return; // refused (503 while shutting down): not stored either way
          state.acked = value;
          state.pending = undefined;
          options.onAck();
        }
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/**
 * Reads every key back and checks it against what the client knows: the last acknowledged
 * value, or the one still pending when the server went away (which may or may not have
 * landed). Returns the problems found (empty when all is well) and adopts what it read.
 */
export async function verifyKeys(url: string, states: Map<string, KeyState>): Promise<string[]> {
  const pool = new Pool(url, { connections: 4 });
  const problems: string[] = [];
  try {
    for (const [key, state] of states) {
      const res = await pool.request({ method: 'GET', path: `/kv/${encodeURIComponent(key)}` });
      const body = await res.body.text();
      const actual =
        res.statusCode === 200
          ? body
          : res.statusCode === 404
            ? undefined
            : `HTTP ${res.statusCode}`;
      const allowed = [state.acked, ...(state.pending === undefined ? [] : [state.pending])];
      if (!allowed.includes(actual)) {
        problems.push(
          `${key}: read ${JSON.stringify(actual)}, expected one of ${JSON.stringify(allowed)}`,
        );
      }
      state.acked = actual;
      state.pending = undefined;
    }
  } finally {
    await pool.destroy();
  }
  return problems;
}
