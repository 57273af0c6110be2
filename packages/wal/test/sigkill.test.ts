import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLimits } from '@hermes/record';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../src/fs/node-fs.js';
import { openWal } from '../src/open.js';
import { recoverLog } from '../src/read/recover.js';
import { makeTempDir, removeDir } from './helpers/log-dir.js';
import { valueFor } from './helpers/sigkill-values.js';

const child = fileURLToPath(new URL('./fixtures/sigkill-child.ts', import.meta.url));
const KILLS = 20;
const APPENDERS = 8;

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Killed {
  /** Keys the child was about to append, from its journal. */
  readonly intents: string[];
  /** Keys whose append resolved, from its journal. */
  readonly acks: string[];
  /** Acks the parent saw on stdout before and after the kill. */
  readonly acksSeen: string[];
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

function journalLines(text: string, tag: 'I' | 'A'): string[] {
  const lines = text.split('\n');
  lines.pop(); // a line cut by the kill (or the empty string after the last newline)
  return lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.slice(2));
}

/** Runs the child until it has acknowledged `killAt` appends, then SIGKILLs it. */
function runAndKill(dir: string, journal: string, run: number, killAt: number): Promise<Killed> {
  const ran = new Promise<Omit<Killed, 'intents' | 'acks'>>((resolve, reject) => {
    const proc: ChildProcess = spawn(
      process.execPath,
      [
        '--conditions=@hermes/source',
        '--import',
        'tsx',
        child,
        dir,
        journal,
        String(run),
        String(APPENDERS),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acksSeen: string[] = [];
    let stderr = '';
    let partial = '';
    let killed = false;
    proc.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    proc.stdout!.setEncoding('utf8').on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.startsWith('A ')) acksSeen.push(line.slice(2));
      if (!killed && acksSeen.length >= killAt) {
        killed = true;
        proc.kill('SIGKILL');
      }
    });
    proc.on('error', reject);
    proc.on('close', (_code, signal) => resolve({ acksSeen, signal, stderr }));
  });
  return ran.then(async (result) => {
    const text = await readFile(journal, 'utf8').catch(() => '');
    return { ...result, intents: journalLines(text, 'I'), acks: journalLines(text, 'A') };
  });
}

let root: string;
let dir: string;
let journals: string;
beforeAll(async () => {
  root = await makeTempDir('hermes-wal-sigkill-');
  dir = join(root, 'log');
  journals = root;
});
afterAll(async () => {
  await removeDir(root);
});

describe('SIGKILL during SyncEveryWrite appends', () => {
  it(`loses no acknowledged record and invents none, over ${KILLS} kills in a row`, async () => {
    const { HERMES_SIGKILL_SEED: fixedSeed } = process.env;
    const seed = Number(fixedSeed ?? Date.now() % 2 ** 31);
    const random = prng(seed);
    const where = `(seed ${seed}; rerun with HERMES_SIGKILL_SEED=${seed})`;
    const intended = new Set<string>();
    const acked = new Set<string>();
    for (let run = 0; run < KILLS; run++) {
      const killAt = 1 + Math.floor(random() * 300);
      const journal = join(journals, `run-${run}.journal`);
      const result = await runAndKill(dir, journal, run, killAt);
      expect(result.signal, `run ${run} ended by itself: ${result.stderr} ${where}`).toBe(
        'SIGKILL',
      );
      expect(result.acksSeen.length, `run ${run} ${where}`).toBeGreaterThanOrEqual(killAt);
      const journaled = new Set(result.acks);
      expect(
        result.acksSeen.filter((key) => !journaled.has(key)),
        where,
      ).toEqual([]);
      for (const key of result.intents) intended.add(key);
      for (const key of result.acks) acked.add(key);

      // Reopen as the next owner would: the dead child's lock is taken over, replay repairs.
      const replayed: string[] = [];
      const seen = new Set<string>();
      const { wal } = await openWal({
        dir,
        onRecord: (record) => {
          if (record.type !== 'set') throw new Error(`unexpected ${record.type} ${where}`);
          const expected = valueFor(record.key);
          if (!Buffer.from(record.value).equals(expected)) {
            throw new Error(`record ${record.key} has a value that was never appended ${where}`);
          }
          if (seen.has(record.key)) throw new Error(`record ${record.key} replayed twice ${where}`);
          seen.add(record.key);
          replayed.push(record.key);
        },
      });
      await wal.close();

      const missing = [...acked].filter((key) => !seen.has(key));
      expect(missing, `acknowledged but not replayed after run ${run} ${where}`).toEqual([]);
      const invented = replayed.filter((key) => !intended.has(key));
      expect(invented, `replayed but never appended, run ${run} ${where}`).toEqual([]);
      // Each appender's records are a contiguous prefix of what it appended, in order.
      const next = new Map<string, number>();
      for (const key of replayed) {
        const [r, a, i] = key.split('/');
        const stream = `${r}/${a}`;
        expect(Number(i), `${key} out of order ${where}`).toBe(next.get(stream) ?? 0);
        next.set(stream, Number(i) + 1);
      }
      // The log is clean now: strict replay finds no damage at all.
      const strict = await recoverLog({
        fs: nodeFileSystem,
        dir,
        recovery: 'strict',
        limits: resolveLimits(),
        readOnly: true,
      });
      expect(strict.report.tornTail, `run ${run} ${where}`).toBeNull();
      expect(strict.report.records).toBe(replayed.length);
    }
  }, 120_000);
});
