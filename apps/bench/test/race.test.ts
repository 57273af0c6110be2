import { describe, expect, it } from 'vitest';
import { type Contender, interleave, race, raceScenario } from '../src/core/race.js';
import { SMOKE } from '../src/profile.js';
import type { Context } from '../src/types.js';

const ctx: Context = {
  profile: { ...SMOKE, warmupMs: 5, roundMs: 20, rounds: 3 },
  dir: async () => '',
  remove: async () => {},
  spawn: () => {
    throw new Error('no children here');
  },
  shared: (_key, make) => make(),
  status: () => {},
};

/** A contender whose operations take `ms` each; it logs when its rounds run. */
function fake(id: string, ms: number, log: string[]): Contender {
  return {
    id,
    group: 'peer',
    label: id,
    async open() {
      let settled = 0;
      return {
        op: () => new Promise((r) => setTimeout(r, ms)),
        async settle() {
          log.push(id);
          settled++;
        },
        async close() {
          return `settled ${settled}`;
        },
      };
    },
  };
}

describe('race', () => {
  it('interleaves rounds, rotating the order, and reports each contender', async () => {
    const log: string[] = [];
    const rows = await race(ctx, [fake('a', 1, log), fake('b', 5, log)], 4);
    // warm-ups, then round 1: a b, round 2: b a, round 3: a b
    expect(log).toEqual(['a', 'b', 'a', 'b', 'b', 'a', 'a', 'b']);
    expect(rows.map((r) => r.id)).toEqual(['a.n4', 'b.n4']);
    expect(rows[0]!.value!.rounds).toHaveLength(3);
    expect(rows[0]!.value!.median).toBeGreaterThan(rows[1]!.value!.median);
    expect(rows[0]!.note).toBe('settled 4');
    expect(rows[1]!.latency!.p50).toBeGreaterThanOrEqual(4);
  });

  it('counts CPU time per round, and GC time and bytes allocated when asked', async () => {
    const busy: Contender = {
      id: 'busy',
      group: 'peer',
      label: 'busy',
      async open() {
        return {
          // Allocates and spins, so each round uses CPU and causes collections.
          op: async () => {
            let junk: number[][] = [];
            for (let i = 0; i < 2_000; i++) junk.push([i, i + 1]);
            junk = [];
            return junk;
          },
          async close() {
            return undefined;
          },
        };
      },
    };
    const plain = await interleave(ctx, [busy], 2);
    expect(plain.rounds[0]).toHaveLength(3);
    expect(
      plain.rounds[0]!.every((r) => r.cpuUs > 0 && r.gcMs === 0 && r.allocatedBytes === 0),
    ).toBe(true);
    const timed = await interleave(ctx, [busy], 2, { heap: true });
    expect(timed.rounds[0]!.reduce((sum, r) => sum + r.gcMs, 0)).toBeGreaterThan(0);
    // Each op allocates 2,000 two-element arrays (over 32 bytes each) and a growing outer array.
    for (const r of timed.rounds[0]!) expect(r.allocatedBytes / r.ops).toBeGreaterThan(2_000 * 32);
  });

  it('narrows to the contenders --only matches, or to nothing', () => {
    const s = raceScenario('writes.x.n1', 1, [fake('wal.every', 1, []), fake('peer.lmdb', 1, [])]);
    expect(s.narrow?.(/lmdb/)).toBeDefined();
    expect(s.narrow?.(/redis/)).toBeUndefined();
    const sized = raceScenario('writes.y.n16', 16, [
      { ...fake('wal.every', 1, []), suffix: '.v100' },
    ]);
    expect(sized.narrow?.(/^wal\.every\.v100$/)).toBeDefined();
    expect(sized.narrow?.(/wal\.every\.n16\.v100/)).toBeDefined();
    expect(sized.narrow?.(/v4096/)).toBeUndefined();
  });
});
