import type { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { prng } from '../helpers/writers.js';
import { connectRedis, type RedisChild, startRedisChild } from './helpers.js';

const ROUNDS = 12;
/** Connections writing at once; each owns its keys, so "the last value it acknowledged" is defined. */
const WRITERS = 4;
/** Commands (a transaction counts as one) each connection keeps in flight without awaiting them. */
const WINDOW = 16;
/** Plain keys per writer, written by `SET` and `MSET`. */
const PLAIN_KEYS = 4;
/** Keys each transaction sets to its token. */
const TX_KEYS = 4;

/**
 * One plain key as the client knows it: `base` read after the last restart, then the values sent
 * since, in order, and the index of the last one acknowledged (-1: none). A connection's writes
 * to one key land in the order sent, so after a crash the key holds the last acknowledged value
 * or one sent after it (or `base` while none was acknowledged).
 */
interface PlainKey {
  base: string | null;
  sent: string[];
  acked: number;
}

/** A counter `INCR`ed by one writer: it holds at least the last reply and at most `base + sent`. */
interface Counter {
  base: number;
  sent: number;
  acked: number | undefined;
}

/**
 * One `MULTI`: `SET` each of `keys` to `token` (keys used by no other transaction), `INCR` its
 * writer's transaction counter, `EXEC`. `state` is what the client knows: sent, acknowledged, or
 * what a read after a restart found (then it may never change again).
 */
interface Transaction {
  readonly writer: number;
  readonly keys: readonly string[];
  readonly token: string;
  state: 'sent' | 'acked' | 'present' | 'absent';
}

interface Writer {
  readonly plain: Map<string, PlainKey>;
  readonly counterKey: string;
  readonly counter: Counter;
  /** `INCR`ed by each of this writer's transactions: equals how many of them are present. */
  readonly txCounterKey: string;
}

/** Everything the clients know across the rounds. */
interface Model {
  readonly writers: Writer[];
  readonly transactions: Transaction[];
  readonly acks: Record<'set' | 'mset' | 'incr' | 'exec', number>;
  maxInFlight: number;
}

function newModel(): Model {
  return {
    writers: Array.from({ length: WRITERS }, (_, w) => ({
      plain: new Map(
        Array.from({ length: PLAIN_KEYS }, (_, k) => [
          `plain/${w}/${k}`,
          { base: null, sent: [], acked: -1 },
        ]),
      ),
      counterKey: `counter/${w}`,
      counter: { base: 0, sent: 0, acked: undefined },
      txCounterKey: `tx-count/${w}`,
    })),
    transactions: [],
    acks: { set: 0, mset: 0, incr: 0, exec: 0 },
    maxInFlight: 0,
  };
}

/** `MGET` in slices, so that a long list of keys stays one modest command each. */
async function mget(redis: Redis, keys: readonly string[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let i = 0; i < keys.length; i += 500)
    out.push(...(await redis.mget(...keys.slice(i, i + 500))));
  return out;
}

/**
 * Reads every key back after a restart and checks it against the model; returns the problems
 * found (empty when all is well) and adopts what it read as the new base.
 */
async function verify(redis: Redis, model: Model): Promise<string[]> {
  const problems: string[] = [];
  for (const [w, writer] of model.writers.entries()) {
    const names = [...writer.plain.keys()];
    const values = await mget(redis, [...names, writer.counterKey, writer.txCounterKey]);
    for (const [i, name] of names.entries()) {
      const key = writer.plain.get(name)!;
      const actual = values[i]!;
      const allowed = key.acked === -1 ? [key.base, ...key.sent] : key.sent.slice(key.acked);
      if (!allowed.includes(actual)) {
        problems.push(
          `${name}: read ${JSON.stringify(actual)}, expected one of ${JSON.stringify(allowed)}`,
        );
      }
      Object.assign(key, { base: actual, sent: [], acked: -1 });
    }
    const counter = writer.counter;
    const count = Number(values[names.length] ?? 0);
    const least = counter.acked ?? counter.base;
    if (!(count >= least && count <= counter.base + counter.sent)) {
      problems.push(
        `${writer.counterKey}: read ${count}, expected ${least}..${counter.base + counter.sent} (last reply ${counter.acked}, ${counter.sent} sent on ${counter.base})`,
      );
    }
    Object.assign(counter, { base: count, sent: 0, acked: undefined });
    const txCount = Number(values[names.length + 1] ?? 0);
    const own = model.transactions.filter((t) => t.writer === w);
    const txValues = await mget(
      redis,
      own.flatMap((t) => t.keys),
    );
    let present = 0;
    for (const [i, tx] of own.entries()) {
      const got = txValues.slice(i * TX_KEYS, (i + 1) * TX_KEYS);
      const matching = got.filter((v) => v === tx.token).length;
      const foreign = got.filter((v) => v !== null && v !== tx.token);
      if (foreign.length > 0 || (matching !== 0 && matching !== TX_KEYS)) {
        problems.push(`transaction ${tx.token} torn: ${JSON.stringify(got)}`);
      } else if ((tx.state === 'acked' || tx.state === 'present') && matching === 0) {
        problems.push(`transaction ${tx.token} (${tx.state}) is gone: ${JSON.stringify(got)}`);
      } else if (tx.state === 'absent' && matching === TX_KEYS) {
        problems.push(`transaction ${tx.token}, absent after an earlier restart, is back`);
      }
      if (matching === TX_KEYS) present++;
      tx.state = matching === TX_KEYS ? 'present' : 'absent';
    }
    if (txCount !== present) {
      problems.push(
        `${writer.txCounterKey}: read ${txCount}, but ${present} of writer ${w}'s transactions are present`,
      );
    }
  }
  return problems;
}

/**
 * Runs one writer on its own connection until `stop()` or its connection fails: keeps `WINDOW`
 * commands in flight, each a random `SET`, `MSET` (two of its keys), `INCR` or transaction,
 * recorded in `model` when sent and when acknowledged. Errors while `stop()` is false are
 * pushed to `unexpected`.
 */
async function runWriter(
  redis: Redis,
  w: number,
  model: Model,
  options: {
    tag: string;
    random: () => number;
    stop: () => boolean;
    onAck: () => void;
    unexpected: string[];
  },
): Promise<void> {
  const writer = model.writers[w]!;
  const names = [...writer.plain.keys()];
  const random = options.random;
  let seq = 0;
  let failed = false;
  const value = (): string => `${options.tag}w${w}n${seq++}:${'v'.repeat(random() * 40)}`;
  const send = (key: string, v: string): (() => void) => {
    const state = writer.plain.get(key)!;
    const index = state.sent.push(v) - 1;
    return () => {
      state.acked = Math.max(state.acked, index);
    };
  };
  const issue = (): Promise<void> => {
    const pick = random();
    if (pick < 0.3) {
      const key = names[Math.floor(random() * names.length)]!;
      const v = value();
      const ack = send(key, v);
      return redis.set(key, v).then((reply) => {
        if (reply !== 'OK') throw new Error(`SET answered ${reply}`);
        ack();
        model.acks.set++;
      });
    }
    if (pick < 0.5) {
      const first = Math.floor(random() * names.length);
      const keys = [names[first]!, names[(first + 1 + Math.floor(random() * 3)) % names.length]!];
      const v = value();
      const acks = keys.map((k) => send(k, v));
      return redis.mset(keys[0]!, v, keys[1]!, v).then((reply) => {
        if (reply !== 'OK') throw new Error(`MSET answered ${reply}`);
        for (const ack of acks) ack();
        model.acks.mset++;
      });
    }
    if (pick < 0.7) {
      writer.counter.sent++;
      return redis.incr(writer.counterKey).then((n) => {
        writer.counter.acked = Math.max(writer.counter.acked ?? n, n);
        model.acks.incr++;
      });
    }
    const token = value();
    const tx: Transaction = {
      writer: w,
      keys: Array.from({ length: TX_KEYS }, (_, i) => `tx/${token}/${i}`),
      token,
      state: 'sent',
    };
    model.transactions.push(tx);
    const multi = redis.multi();
    for (const key of tx.keys) multi.set(key, token);
    multi.incr(writer.txCounterKey);
    return multi.exec().then((results) => {
      const errors = (results ?? []).filter(([error]) => error !== null);
      if (results === null || errors.length > 0) {
        throw new Error(`EXEC answered ${JSON.stringify(results)}`);
      }
      tx.state = 'acked';
      model.acks.exec++;
    });
  };
  const inFlight = new Set<Promise<void>>();
  while (!options.stop() && !failed) {
    if (inFlight.size >= WINDOW) {
      await Promise.race(inFlight);
      continue;
    }
    const op: Promise<void> = issue().then(
      () => {
        inFlight.delete(op);
        options.onAck();
      },
      (error: unknown) => {
        inFlight.delete(op);
        failed = true; // the connection died: what this writer sent since stays pending
        if (!options.stop()) options.unexpected.push(`writer ${w}: ${String(error)}`);
      },
    );
    inFlight.add(op);
    model.maxInFlight = Math.max(model.maxInFlight, inFlight.size);
  }
  await Promise.all(inFlight);
}

it(`keeps every acknowledged SET, MSET, INCR and EXEC, and every transaction whole, across ${ROUNDS} SIGKILLs (--sync always, RESP)`, async () => {
  const seed = Number(process.env['HERMES_CRASH_SEED'] ?? Date.now() % 2 ** 31);
  const random = prng(seed);
  const dir = await tempDir();
  const model = newModel();
  let totalAcked = 0;
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const service: RedisChild = await startRedisChild([
        '--sync',
        'always',
        '--data-dir',
        dir.path,
      ]);
      const clients: Redis[] = [];
      try {
        const checker = await connectRedis(service.respPort);
        clients.push(checker);
        const problems = await verify(checker, model);
        expect(problems, `seed ${seed}, after SIGKILL ${round}: ${service.line}`).toEqual([]);
        if (round === ROUNDS) break;
        for (let w = 0; w < WRITERS; w++) {
          const client = await connectRedis(service.respPort);
          client.on('error', () => {}); // the SIGKILL: every command in flight rejects instead
          clients.push(client);
        }
        const killAt = 50 + Math.floor(random() * 750);
        const unexpected: string[] = [];
        let acked = 0;
        let killed = false;
        await Promise.all(
          clients.slice(1).map((client, w) =>
            runWriter(client, w, model, {
              tag: `r${round}`,
              random: prng(seed + round * WRITERS + w),
              stop: () => killed,
              unexpected,
              onAck: () => {
                acked++;
                if (acked === killAt && !killed) {
                  killed = true;
                  service.child.kill('SIGKILL');
                }
              },
            }),
          ),
        );
        expect(unexpected, `seed ${seed}, round ${round}`).toEqual([]);
        expect(acked, `seed ${seed}, round ${round}`).toBeGreaterThanOrEqual(killAt);
        expect(await service.exited, `seed ${seed}`).toBe('SIGKILL');
        totalAcked += acked;
      } finally {
        for (const client of clients) client.disconnect();
        service.child.kill('SIGKILL');
        await service.exited;
      }
    }
    // The mix really ran: every kind of write was acknowledged, commands were pipelined, and
    // transactions survived restarts (or the checks above checked little).
    const context = `seed ${seed}: ${JSON.stringify(model.acks)}`;
    expect(totalAcked, context).toBeGreaterThanOrEqual(ROUNDS * 50);
    for (const count of Object.values(model.acks)) expect(count, context).toBeGreaterThan(0);
    expect(model.maxInFlight, context).toBe(WINDOW);
    expect(model.transactions.filter((t) => t.state === 'present').length, context).toBeGreaterThan(
      0,
    );
  } finally {
    await dir.remove();
  }
});
