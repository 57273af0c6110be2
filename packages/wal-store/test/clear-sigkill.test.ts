import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ShardedStore } from '@hermes/store';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { applyStep, clearStep, RANGE_KEYS } from './fixtures/clear-plan.js';
import { TempDirs, text } from './helpers/temp-dir.js';

const CHILD = fileURLToPath(new URL('./fixtures/clear-child.ts', import.meta.url));
const KILLS = 6;

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

/** Runs the child until it has acknowledged `killAt` steps, SIGKILLs it; resolves the last acked step. */
async function runAndKill(dir: string, run: number, killAt: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--conditions=@hermes/source', '--import', 'tsx', CHILD, dir, String(run)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? String(code))),
  );
  let lastAck = -1;
  const lines = createInterface({ input: child.stdout });
  try {
    for await (const line of lines) {
      const [tag, seq] = line.split(' ');
      if (tag !== 'ack') continue;
      expect(Number(seq)).toBe(lastAck + 1);
      lastAck = Number(seq);
      if (lastAck + 1 >= killAt) break;
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

/** The range keys of `state`, as `key=value` lines in key order. */
function rangeState(state: ReadonlyMap<string, string>): string[] {
  return RANGE_KEYS.filter((k) => state.has(k)).map((k) => `${k}=${state.get(k)}`);
}

/** How many steps past the last ack read the child may have finished before the kill landed. */
const STEPS_PAST_ACK = 64;

describe('SIGKILL during ranged clears', () => {
  it(`after each of ${KILLS} kills, every acknowledged clear is whole and an unacknowledged one is all or nothing`, async () => {
    const dir = await dirs.make();
    let state = new Map<string, string>();
    for (let run = 0; run < KILLS; run++) {
      const killAt = 4 + Math.floor(Math.random() * 40);
      const lastAck = await runAndKill(dir, run, killAt);

      const db = await openDurableStore({ dir, store: new ShardedStore() });
      const recovered = new Map<string, string>();
      for (const [k, v] of db.entries()) recovered.set(k, text(v)!);
      expect(db.report.skipped).toBe(0);
      await db.close();

      // Steps run one at a time, each whole or not at all: the log holds every acknowledged one,
      // and the child may have finished a few more whose acks were still in the pipe when it was
      // killed. So the range must be exactly the model after some step from the last ack read on.
      const model = new Map(state);
      for (let seq = 0; seq <= lastAck; seq++) applyStep(model, clearStep(run, seq));
      const acked = rangeState(model);
      const got = rangeState(recovered).join('\n');
      let matched = got === acked.join('\n');
      for (let seq = lastAck + 1; !matched && seq <= lastAck + STEPS_PAST_ACK; seq++) {
        applyStep(model, clearStep(run, seq));
        matched = got === rangeState(model).join('\n');
      }
      expect(
        matched,
        `run ${run}: acked step ${lastAck}; recovered ${rangeState(recovered).length} range keys, expected the state after step ${lastAck} (${acked.length} keys) or a later whole step`,
      ).toBe(true);
      state = recovered;
    }
  });
});
