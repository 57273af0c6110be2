import { rm } from 'node:fs/promises';
import { type BatchOp, type LockableStore, LockedStore, ShardedStore } from '@hermes/store';
import { SyncEveryWrite } from '@hermes/wal';
import { FaultyFileSystem, FS_OPERATIONS, type FsOperation } from '@hermes/wal/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type DurableStore, openDurableStore } from '../src/index.js';
import { bytes, TempDirs, text } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'];
const RUNS = 30;

interface Model {
  state: Map<string, string>;
}

interface Real {
  readonly dir: string;
  readonly makeStore: () => LockableStore;
  fs: FaultyFileSystem;
  db: DurableStore;
  /** Counter for keys of writes in flight at a crash, so each is new. */
  fresh: number;
}

type Cmd = fc.AsyncCommand<Model, Real>;

function snapshot(db: DurableStore): Map<string, string> {
  return new Map([...db.entries()].map(([k, v]) => [k, text(v)!]));
}

async function open(real: Real): Promise<void> {
  real.fs = new FaultyFileSystem();
  real.db = await openDurableStore({
    dir: real.dir,
    store: real.makeStore(),
    fs: real.fs,
    sync: SyncEveryWrite,
    compaction: false,
  });
}

/** Checks the store against the model after each command. */
function same(model: Model, real: Real): void {
  expect(snapshot(real.db)).toEqual(model.state);
}

const keyArb = fc.constantFrom(...KEYS);
const valueArb = fc.string({ maxLength: 6 });
const opArb: fc.Arbitrary<BatchOp> = fc.oneof(
  fc.record({ type: fc.constant('set' as const), key: keyArb, value: valueArb.map(bytes) }),
  fc.record({ type: fc.constant('delete' as const), key: keyArb }),
);

function applyOps(state: Map<string, string>, ops: readonly BatchOp[]): void {
  for (const op of ops) {
    if (op.type === 'set') state.set(op.key, text(op.value)!);
    else state.delete(op.key);
  }
}

class SetCmd implements Cmd {
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.db.set(this.key, bytes(this.value));
    m.state.set(this.key, this.value);
    same(m, r);
  }
  toString = (): string => `set(${this.key}, ${JSON.stringify(this.value)})`;
}

class DeleteCmd implements Cmd {
  constructor(readonly key: string) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    expect(await r.db.delete(this.key)).toBe(m.state.has(this.key));
    m.state.delete(this.key);
    same(m, r);
  }
  toString = (): string => `delete(${this.key})`;
}

class BatchCmd implements Cmd {
  constructor(readonly ops: readonly BatchOp[]) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.db.batch(this.ops);
    applyOps(m.state, this.ops);
    same(m, r);
  }
  toString = (): string =>
    `batch(${this.ops.map((o) => (o.type === 'set' ? `${o.key}=${text(o.value)}` : `-${o.key}`)).join(' ')})`;
}

class PutIfAbsentCmd implements Cmd {
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const expected = !m.state.has(this.key);
    expect(await r.db.putIfAbsent(this.key, bytes(this.value))).toBe(expected);
    if (expected) m.state.set(this.key, this.value);
    same(m, r);
  }
  toString = (): string => `putIfAbsent(${this.key}, ${JSON.stringify(this.value)})`;
}

class CasCmd implements Cmd {
  constructor(
    readonly key: string,
    readonly expect: 'current' | 'absent' | 'other',
    readonly next: string | undefined,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const current = m.state.get(this.key);
    const expected =
      this.expect === 'current' ? current : this.expect === 'absent' ? undefined : `${current}!`;
    const wins = expected === current;
    const result = await r.db.compareAndSet(
      this.key,
      expected === undefined ? undefined : bytes(expected),
      this.next === undefined ? undefined : bytes(this.next),
    );
    expect(result).toBe(wins);
    if (wins) {
      if (this.next === undefined) m.state.delete(this.key);
      else m.state.set(this.key, this.next);
    }
    same(m, r);
  }
  toString = (): string => `cas(${this.key}, ${this.expect}, ${JSON.stringify(this.next)})`;
}

class CompactCmd implements Cmd {
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const report = await r.db.compact();
    expect(report.entries).toBe(m.state.size);
    same(m, r);
  }
  toString = (): string => 'compact()';
}

/**
 * Power loss with writes in flight: starts `inflight` unconditional writes (sets, deletes and
 * batches, on the same keys as everything else) without waiting, waits until `acks` of them are
 * acknowledged, crashes (dropping everything not fsynced) and reopens. Nothing else runs, so the
 * writes enter the log in the order they were started. The store must then hold the model after
 * a prefix of them that contains every acknowledged one.
 */
class CrashCmd implements Cmd {
  constructor(
    readonly inflight: readonly (readonly BatchOp[])[],
    readonly acks: number,
    readonly keepRandomPrefix: boolean,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const tag = r.fresh++;
    // Unique values, so that different prefixes give different states.
    const writes = this.inflight.map((ops, i) =>
      ops.map(
        (op): BatchOp =>
          op.type === 'set' ? { ...op, value: bytes(`${text(op.value)}#${tag}.${i}`) } : op,
      ),
    );
    const ackOrder: number[] = [];
    const wanted = Math.min(this.acks, writes.length);
    let enough!: () => void;
    const reached = new Promise<void>((resolve) => {
      enough = resolve;
    });
    if (wanted === 0) enough();
    const promises = writes.map((ops, i) => {
      const op = ops[0]!;
      const p =
        ops.length > 1
          ? r.db.batch(ops)
          : op.type === 'set'
            ? r.db.set(op.key, op.value)
            : r.db.delete(op.key);
      return p.then(
        () => {
          ackOrder.push(i);
          if (ackOrder.length === wanted) enough();
        },
        () => {},
      );
    });
    await reached;
    await r.fs.crash({ keepRandomPrefix: this.keepRandomPrefix });
    const acked = ackOrder.length;
    // Acknowledgements come in log order, which is the order the writes were started.
    expect(ackOrder).toEqual(Array.from({ length: acked }, (_, i) => i));
    await Promise.all(promises);
    await r.db.close().catch(() => {});
    await open(r);

    const got = snapshot(r.db);
    const candidate = new Map(m.state);
    let prefix = -1;
    for (let k = 0; k <= writes.length; k++) {
      if (k >= acked && sameMap(candidate, got)) {
        prefix = k;
        break;
      }
      if (k < writes.length) applyOps(candidate, writes[k]!);
    }
    expect(
      prefix,
      `no prefix of the ${writes.length} writes (${acked} acked) gives the recovered state`,
    ).toBeGreaterThanOrEqual(acked);
    m.state = got;
    same(m, r);
  }
  toString = (): string =>
    `crash(inflight ${this.inflight.length} writes, after ${this.acks} acks, torn ${this.keepRandomPrefix})`;
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Power loss at a chosen file-system call of a compaction; reopens to exactly the model. */
class CrashDuringCompactionCmd implements Cmd {
  constructor(
    readonly op: FsOperation,
    readonly nth: number,
    readonly keepRandomPrefix: boolean,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const step = r.fs.hang(this.op, { nth: this.nth });
    const compaction = r.db.compact().then(
      () => true,
      () => false,
    );
    // The step may not happen in this compaction (fewer calls of that kind): then crash after it.
    const hit = await Promise.race([step.reached.then(() => true), compaction.then(() => false)]);
    if (!hit) step.cancel();
    await r.fs.crash({ keepRandomPrefix: this.keepRandomPrefix });
    step.release();
    await compaction;
    await r.db.close().catch(() => {});
    await open(r);
    same(m, r);
  }
  toString = (): string =>
    `crashDuringCompaction(${this.op} #${this.nth}, torn ${this.keepRandomPrefix})`;
}

const commands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(keyArb, valueArb).map(([k, v]) => new SetCmd(k, v)),
  keyArb.map((k) => new DeleteCmd(k)),
  fc.array(opArb, { minLength: 1, maxLength: 5 }).map((ops) => new BatchCmd(ops)),
  fc.tuple(keyArb, valueArb).map(([k, v]) => new PutIfAbsentCmd(k, v)),
  fc
    .tuple(
      keyArb,
      fc.constantFrom('current', 'absent', 'other') as fc.Arbitrary<'current' | 'absent' | 'other'>,
      fc.option(valueArb, { nil: undefined }),
    )
    .map(([k, e, n]) => new CasCmd(k, e, n)),
  fc.constant(new CompactCmd()),
  fc
    .tuple(
      fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
      fc.nat({ max: 8 }),
      fc.boolean(),
    )
    .map(([inflight, acks, torn]) => new CrashCmd(inflight, acks, torn)),
  fc
    .tuple(
      fc.constantFrom(...FS_OPERATIONS.filter((op) => op !== 'read' && op !== 'openRead')),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
    )
    .map(([op, nth, torn]) => new CrashDuringCompactionCmd(op, nth, torn)),
];

const stores: [string, () => LockableStore][] = [
  ['LockedStore', () => new LockedStore()],
  ['ShardedStore', () => new ShardedStore()],
];

describe.each(stores)('model-based crash test over %s', (_name, makeStore) => {
  it('after any crash the store holds the model, with every acknowledged write', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        const real: Real = {
          dir: await dirs.make(),
          makeStore,
          fs: new FaultyFileSystem(),
          db: undefined as unknown as DurableStore,
          fresh: 0,
        };
        await open(real);
        try {
          await fc.asyncModelRun(() => ({ model: { state: new Map() }, real }), cmds);
        } finally {
          await real.db.close().catch(() => {});
          await rm(real.dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  });
});
