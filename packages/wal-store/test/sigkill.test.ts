import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ShardedStore } from '@hermes/store';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { applyPlanned, KEYS_PER_WRITER, opFor, WRITERS } from './fixtures/sigkill-plan.js';
import { TempDirs, text } from './helpers/temp-dir.js';

const CHILD = fileURLToPath(new URL('./fixtures/sigkill-child.ts', import.meta.url));
/** Kills per store: the main run on ShardedStore, a shorter one on LockedStore (child start-up dominates). */
const KILLS: Record<string, number> = { sharded: 10, locked: 4 };
/** How far past its last read ack a writer can have got before the kill lands (generous). */
const MAX_AHEAD = 5000;

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

/** Runs the child until it has acknowledged `killAt` writes, SIGKILLs it; resolves the last acked seq per writer. */
async function runAndKill(
  dir: string,
  run: number,
  kind: string,
  killAt: number,
): Promise<number[]> {
  const child = spawn(
    process.execPath,
    ['--conditions=@hermes/source', '--import', 'tsx', CHILD, dir, String(run), kind],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? String(code))),
  );
  const lastAck = new Array<number>(WRITERS).fill(-1);
  let acks = 0;
  const lines = createInterface({ input: child.stdout });
  try {
    for await (const line of lines) {
      const [tag, w, seq] = line.split(' ');
      if (tag !== 'ack') continue;
      const writer = Number(w);
      // Each writer acknowledges its writes in order, one at a time.
      expect(Number(seq)).toBe(lastAck[writer]! + 1);
      lastAck[writer] = Number(seq);
      if (++acks >= killAt) break;
    }
  } finally {
    // Also when an expectation failed: never leave the child writing.
    child.kill('SIGKILL');
    lines.close();
  }
  const how = await exited;
  if (how !== 'SIGKILL') throw new Error(`child ended (${how}) before the kill:\n${stderr}`);
  return lastAck;
}

/** The entries of writer `w`'s keys in `state`. */
function writerState(state: ReadonlyMap<string, string>, w: number): Map<string, string> {
  const out = new Map<string, string>();
  for (let j = 0; j < KEYS_PER_WRITER; j++) {
    const key = `w${w}-${j}`;
    const value = state.get(key);
    if (value !== undefined) out.set(key, value);
  }
  return out;
}

function same(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/**
 * The number of writer `w`'s writes that `recovered` reflects: the smallest n >= acked + 1 such
 * that its first n planned writes applied to `before` give exactly `recovered`; -1 if none.
 */
function prefixLength(
  before: ReadonlyMap<string, string>,
  recovered: ReadonlyMap<string, string>,
  run: number,
  w: number,
  acked: number,
): number {
  const model = writerState(before, w);
  const target = writerState(recovered, w);
  for (let n = 0; n <= acked + 1 + MAX_AHEAD; n++) {
    if (n >= acked + 1 && same(model, target)) return n;
    applyPlanned(model, opFor(run, w, n));
  }
  return -1;
}

describe.each(['sharded', 'locked'])('SIGKILL through the durable store over %s', (kind) => {
  it(`keeps every acknowledged write across ${KILLS[kind]} kills at random ack counts`, async () => {
    const dir = await dirs.make();
    let state = new Map<string, string>();
    for (let run = 0; run < KILLS[kind]!; run++) {
      const killAt = 10 + Math.floor(Math.random() * 400);
      const lastAck = await runAndKill(dir, run, kind, killAt);

      const db = await openDurableStore({ dir, store: new ShardedStore() });
      const recovered = new Map<string, string>();
      for (const [k, v] of db.entries()) recovered.set(k, text(v)!);
      expect(db.report.skipped).toBe(0);
      await db.close();

      expect([...recovered.keys()].every((k) => /^w\d+-\d+$/.test(k))).toBe(true);
      for (let w = 0; w < WRITERS; w++) {
        // Recovery gives a prefix of each writer's writes that holds every acknowledged one.
        const n = prefixLength(state, recovered, run, w, lastAck[w]!);
        expect(
          n,
          `run ${run} writer ${w}: acked ${lastAck[w]}, recovered no valid prefix`,
        ).toBeGreaterThan(lastAck[w]!);
      }
      state = recovered;
    }
  });
});
