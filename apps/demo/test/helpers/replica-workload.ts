import type { Redis } from 'ioredis';
import { Pool } from 'undici';
import { prng } from './writers.js';

/**
 * Writes of every kind from clients of several replicas at once, and what the clients know of
 * them, to check a final state against.
 *
 * - **Owned keys** (`own/<owner>/<i>`): each HTTP owner writes only its keys, one request after
 *   the other (`PUT`, `DELETE`, `PUT` with `If-None-Match: *`, `POST /batch` over several of
 *   them), so a sequential model of its keys predicts every answer (a `DELETE` of an absent key
 *   is 404, a create of a present one 412) and, once it stops, the keys' final state. A request
 *   without an answer (its replica was killed) may or may not have landed: the owner stops, and
 *   its keys hold the model's state or that state with this last write applied.
 * - **Counters** (`counter/<j>`): `INCR` from Redis clients of every replica. Linearizable
 *   increments give distinct replies, and the final value lies between the largest reply (and
 *   the number of acknowledged increments) and that number plus the unanswered ones.
 * - **Create-once keys** (`once/<n>`): every Redis client `SETNX`es them in turn, so clients of
 *   all replicas race on each: at most one acknowledged winner, whose value is stored; with none,
 *   the value is one an unanswered `SETNX` sent.
 *
 * The three groups share no key and batches stay within one owner's keys, so the final state is
 * that of one sequential order of every write when each group's check holds.
 */
export class ReplicaWorkload {
  readonly #owners: Owner[] = [];
  readonly #counters = new Map<string, { replies: number[]; unanswered: number }>();
  readonly #once = new Map<string, { winners: string[]; losers: number; unanswered: string[] }>();
  readonly #problems: string[] = [];
  readonly #acks = new Map<string, number>();
  readonly #ackWaiters: {
    group: string;
    count: number;
    wake: () => void;
    fail: (error: Error) => void;
  }[] = [];
  /** Clients of each group still writing. */
  readonly #running = new Map<string, number>();
  #stopped = false;

  /**
   * Acknowledged writes of the clients of `group` (the name a client was started with): each is
   * one record in the stream (a `SETNX` that lost, a `DELETE` answered 404 and a create answered
   * 412 write nothing and are not counted).
   */
  acks(group: string): number {
    return this.#acks.get(group) ?? 0;
  }

  /**
   * Resolves once the clients of `group` have `more` acknowledged writes beyond those so far;
   * rejects, with the problems seen, if every client of the group stops first.
   */
  acksBeyondNow(group: string, more: number): Promise<void> {
    const count = this.acks(group) + more;
    return new Promise((wake, fail) => {
      this.#ackWaiters.push({ group, count, wake, fail });
      this.#checkRunning(group);
    });
  }

  /** Asks every client to stop after its current request. */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Runs `owners` HTTP owners of fresh keys against `url` (a replica's), until `stop()` or until
   * their replica stops answering. `seed` makes the choice of writes repeatable.
   */
  async runHttpOwners(group: string, url: string, owners: number, seed: number): Promise<void> {
    const pool = new Pool(url, { connections: owners });
    try {
      await Promise.all(
        Array.from({ length: owners }, (_, i) => {
          const owner = new Owner(`${group}.${i}`, prng(seed + i));
          this.#owners.push(owner);
          return this.#client(group, () => this.#runOwner(group, pool, owner));
        }),
      );
    } finally {
      await pool.destroy();
    }
  }

  /**
   * Runs a Redis client over `redis` that sends `INCR` of one of `counters` counters and `SETNX`
   * of the next create-once keys in turn, several at once, until `stop()` or until a command gets
   * no reply.
   */
  runRedisClient(group: string, redis: Redis, counters: number, seed: number): Promise<void> {
    return this.#client(group, () => this.#runRedis(group, redis, counters, seed));
  }

  async #runRedis(group: string, redis: Redis, counters: number, seed: number): Promise<void> {
    const random = prng(seed);
    for (let round = 0; !this.#stopped; round++) {
      // A window of commands sent at once on the connection, none awaited before the next.
      const sent = Array.from({ length: REDIS_WINDOW }, (_, i) => {
        const n = round * REDIS_WINDOW + i;
        return i % 2 === 0
          ? this.#incr(group, redis, `counter/${Math.floor(random() * counters)}`)
          : this.#setnx(group, redis, `once/${n}`, `${group}:${seed}:${n}`);
      });
      const answered = await Promise.all(sent);
      if (answered.includes(false)) return; // the replica went away
    }
  }

  /** `INCR key`, recorded; resolves whether it was answered. */
  async #incr(group: string, redis: Redis, key: string): Promise<boolean> {
    const state = this.#counter(key);
    try {
      state.replies.push(await redis.incr(key));
    } catch {
      state.unanswered++;
      return false;
    }
    this.#acked(group);
    return true;
  }

  /** `SETNX key value`, recorded; resolves whether it was answered. */
  async #setnx(group: string, redis: Redis, key: string, value: string): Promise<boolean> {
    const state = this.#onceKey(key);
    try {
      if ((await redis.setnx(key, value)) === 0) {
        state.losers++;
        return true;
      }
    } catch {
      state.unanswered.push(value);
      return false;
    }
    state.winners.push(value);
    this.#acked(group);
    return true;
  }

  /**
   * Checks `contents` (a replica's every key and value) against what the clients know; returns
   * the problems found, with those seen while running (an answer the model did not predict).
   */
  check(contents: ReadonlyMap<string, string>): string[] {
    const problems = [...this.#problems];
    const explained = new Set<string>();
    for (const owner of this.#owners) {
      const actual = new Map([...contents].filter(([key]) => owner.owns(key)));
      for (const key of actual.keys()) explained.add(key);
      const allowed = owner.possibleStates();
      if (!allowed.some((state) => sameMap(state, actual))) {
        problems.push(
          `${owner.name}: holds ${show(actual)}, expected ${allowed.map(show).join(' or ')}`,
        );
      }
    }
    for (const [key, { replies, unanswered }] of this.#counters) {
      explained.add(key);
      const value = Number(contents.get(key) ?? 0);
      if (new Set(replies).size !== replies.length) {
        problems.push(`${key}: INCR replied a value twice: ${replies.join(',')}`);
      }
      const least = Math.max(replies.length, ...replies);
      if (value < least || value > replies.length + unanswered) {
        problems.push(
          `${key}: holds ${value}, expected ${least}..${replies.length + unanswered} (${replies.length} replies, ${unanswered} unanswered)`,
        );
      }
    }
    for (const [key, { winners, losers, unanswered }] of this.#once) {
      explained.add(key);
      const value = contents.get(key);
      if (winners.length > 1) problems.push(`${key}: SETNX won ${winners.length} times`);
      const allowed = winners.length > 0 ? winners.slice(0, 1) : unanswered;
      // A SETNX that lost saw the key set: it is absent only if none was answered at all.
      const mayBeAbsent = winners.length === 0 && losers === 0;
      if (value === undefined ? !mayBeAbsent : !allowed.includes(value)) {
        problems.push(`${key}: holds ${value}, expected one of ${JSON.stringify(allowed)}`);
      }
    }
    for (const key of contents.keys()) {
      if (!explained.has(key)) problems.push(`${key}: written by no client`);
    }
    return problems;
  }

  async #runOwner(group: string, pool: Pool, owner: Owner): Promise<void> {
    while (!this.#stopped) {
      const write = owner.next();
      let status: number;
      try {
        const res = await pool.request(write.request);
        status = res.statusCode;
        await res.body.dump();
      } catch {
        owner.unanswered(write);
        return; // the replica went away: the write may or may not have landed
      }
      // A create that kept losing the whole-stream check to other replicas' writes wrote nothing.
      if (status === 409 && write.kind === 'create') continue;
      const expected = owner.expectedStatus(write);
      if (status !== expected) {
        this.#problems.push(`${owner.name}: ${write.describe} answered ${status}, not ${expected}`);
        return;
      }
      owner.answered(write);
      if (status === 204) this.#acked(group);
    }
  }

  /** Runs one client of `group`, counted among the group's running ones while it runs. */
  async #client(group: string, body: () => Promise<void>): Promise<void> {
    this.#running.set(group, (this.#running.get(group) ?? 0) + 1);
    try {
      await body();
    } finally {
      this.#running.set(group, this.#running.get(group)! - 1);
      this.#checkRunning(group);
    }
  }

  /**
   * Fails the waits on `group` once none of its clients runs any more (unless stopped); a group
   * whose clients have not started yet is waited for.
   */
  #checkRunning(group: string): void {
    const running = this.#running.get(group);
    if (this.#stopped || running === undefined || running > 0) return;
    for (let i = this.#ackWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#ackWaiters[i]!;
      if (waiter.group !== group) continue;
      this.#ackWaiters.splice(i, 1);
      waiter.fail(
        new Error(
          `every client of ${group} stopped at ${this.acks(group)} of ${waiter.count} acknowledged writes; problems: ${JSON.stringify(this.#problems)}`,
        ),
      );
    }
  }

  #acked(group: string): void {
    const count = this.acks(group) + 1;
    this.#acks.set(group, count);
    for (let i = this.#ackWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#ackWaiters[i]!;
      if (waiter.group === group && waiter.count <= count) {
        this.#ackWaiters.splice(i, 1);
        waiter.wake();
      }
    }
  }

  #counter(key: string): { replies: number[]; unanswered: number } {
    const state = this.#counters.get(key) ?? { replies: [], unanswered: 0 };
    this.#counters.set(key, state);
    return state;
  }

  #onceKey(key: string): { winners: string[]; losers: number; unanswered: string[] } {
    const state = this.#once.get(key) ?? { winners: [], losers: 0, unanswered: [] };
    this.#once.set(key, state);
    return state;
  }
}

/** Commands a Redis client keeps in flight: `INCR` and `SETNX` in turn. */
const REDIS_WINDOW = 8;

/** Keys each HTTP owner writes. */
const OWNED_KEYS = 4;

/** One write of an owner: its request and its effect on the owner's keys (`undefined`: delete). */
interface OwnedWrite {
  readonly kind: 'put' | 'delete' | 'create' | 'batch';
  readonly describe: string;
  readonly request: Parameters<Pool['request']>[0];
  readonly effect: ReadonlyMap<string, string | undefined>;
}

/** An HTTP client writing only its own keys, one request at a time, with its model of them. */
class Owner {
  readonly name: string;
  readonly #random: () => number;
  readonly #model = new Map<string, string>();
  #unanswered: OwnedWrite | undefined;
  #n = 0;

  constructor(name: string, random: () => number) {
    this.name = name;
    this.#random = random;
  }

  owns(key: string): boolean {
    return key.startsWith(`own/${this.name}/`);
  }

  /** A random write of one of the four kinds over this owner's keys. */
  next(): OwnedWrite {
    const key = (): string => `own/${this.name}/${Math.floor(this.#random() * OWNED_KEYS)}`;
    const value = (): string => `${this.name}:${this.#n++}`;
    const pick = this.#random();
    if (pick < 0.4) {
      const [k, v] = [key(), value()];
      return this.#write('put', `PUT ${k}`, { method: 'PUT', path: path(k), body: v }, [[k, v]]);
    }
    if (pick < 0.55) {
      const k = key();
      return this.#write('delete', `DELETE ${k}`, { method: 'DELETE', path: path(k) }, [
        [k, undefined],
      ]);
    }
    if (pick < 0.75) {
      const [k, v] = [key(), value()];
      const request = {
        method: 'PUT' as const,
        path: path(k),
        body: v,
        headers: { 'if-none-match': '*' },
      };
      // Creates only: its effect applies when the key is absent, and the answer says which.
      return this.#write('create', `create ${k}`, request, this.#model.has(k) ? [] : [[k, v]]);
    }
    // Two or more distinct keys, each set or deleted.
    const keys = Array.from({ length: OWNED_KEYS }, (_, i) => `own/${this.name}/${i}`).filter(
      (_, i) => i < 2 || this.#random() < 0.5,
    );
    const ops = keys.map((k) =>
      this.#random() < 0.75 ? { type: 'set', key: k, value: value() } : { type: 'delete', key: k },
    );
    const body = JSON.stringify(
      ops.map((op) =>
        op.value === undefined ? op : { ...op, value: Buffer.from(op.value).toString('base64') },
      ),
    );
    const request = {
      method: 'POST' as const,
      path: '/batch',
      body,
      headers: { 'content-type': 'application/json' },
    };
    return this.#write(
      'batch',
      `batch ${JSON.stringify(ops)}`,
      request,
      ops.map((op) => [op.key, op.value]),
    );
  }

  /** The status the model predicts for `write`. */
  expectedStatus(write: OwnedWrite): number {
    const [key] = [...write.effect.keys()];
    if (write.kind === 'delete') return this.#model.has(key!) ? 204 : 404;
    if (write.kind === 'create') return write.effect.size === 0 ? 412 : 204;
    return 204;
  }

  /** `write` was answered as the model predicted: the model applies it. */
  answered(write: OwnedWrite): void {
    apply(this.#model, write.effect);
  }

  /** `write` got no answer; the owner stops. */
  unanswered(write: OwnedWrite): void {
    this.#unanswered = write;
  }

  /** The states the owner's keys may be in once it stopped. */
  possibleStates(): Map<string, string>[] {
    const states = [new Map(this.#model)];
    if (this.#unanswered !== undefined) {
      const landed = new Map(this.#model);
      apply(landed, this.#unanswered.effect);
      states.push(landed);
    }
    return states;
  }

  #write(
    kind: OwnedWrite['kind'],
    describe: string,
    request: OwnedWrite['request'],
    effect: [string, string | undefined][],
  ): OwnedWrite {
    return { kind, describe, request, effect: new Map(effect) };
  }
}

function path(key: string): string {
  return `/kv/${encodeURIComponent(key)}`;
}

/** Applies `effect` (a value per key, `undefined` to delete; the last of a key wins) to `model`. */
function apply(model: Map<string, string>, effect: ReadonlyMap<string, string | undefined>): void {
  for (const [key, value] of effect) {
    if (value === undefined) model.delete(key);
    else model.set(key, value);
  }
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value);
}

function show(map: ReadonlyMap<string, string>): string {
  return JSON.stringify(Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1))));
}
