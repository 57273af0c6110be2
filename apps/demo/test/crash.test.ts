import { expect, it } from 'vitest';
import { startChild } from './helpers/child.js';
import { tempDir } from './helpers/temp-dir.js';
import { type KeyState, keyNames, prng, runWriters, verifyKeys } from './helpers/writers.js';

const ROUNDS = 10;
const WRITERS = 24;

it(`keeps every acknowledged write across ${ROUNDS} SIGKILLs of the service under concurrent PUTs (--sync always)`, async () => {
  const seed = Number(process.env['HERMES_CRASH_SEED'] ?? Date.now() % 2 ** 31);
  const random = prng(seed);
  const dir = await tempDir();
  const keys = keyNames(WRITERS);
  const states = new Map<string, KeyState>(
    keys.map((k) => [k, { acked: undefined, pending: undefined }]),
  );
  let totalAcked = 0;
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const service = await startChild(['--sync', 'always', '--port', '0', '--data-dir', dir.path]);
      try {
        const problems = await verifyKeys(service.url, states);
        expect(problems, `seed ${seed}, after SIGKILL ${round}: ${service.line}`).toEqual([]);
        if (round === ROUNDS) break;
        const killAt = 20 + Math.floor(random() * 180);
        let acked = 0;
        let killed = false;
        await runWriters(service.url, keys, states, {
          tag: `r${round}`,
          statuses: new Map(),
          stop: () => killed,
          onAck: () => {
            acked++;
            if (acked === killAt && !killed) {
              killed = true;
              service.child.kill('SIGKILL');
            }
          },
        });
        totalAcked += acked;
        expect(acked, `seed ${seed}`).toBeGreaterThanOrEqual(killAt);
        expect(await service.exited).toBe('SIGKILL');
      } finally {
        service.child.kill('SIGKILL');
        await service.exited;
      }
    }
    expect(totalAcked).toBeGreaterThan(ROUNDS * 20);
  } finally {
    await dir.remove();
  }
});
