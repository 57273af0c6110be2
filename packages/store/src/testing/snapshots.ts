import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScanOptions, Store, StoreReader, StoreSnapshot } from '../contract.js';
import { bytes } from './bytes.js';
import { applyToModel, opArbitrary, runOp, type SuiteOp } from './ops.js';
import type { ResolvedSuiteOptions } from './options.js';
import { ORDER_KEYS, scanOptionsArbitrary, selectKeys } from './order.js';

type Model = Map<string, string>;

const KEYS = ['', 'a', 'a/b', 'ab', 'b', '\uffff', '🔑'] as const;
const VALUES = ['', 'x', 'y', 'longer value'] as const;

/** What `reader` holds, in key order, values decoded as UTF-8: `key=value` strings. */
function dump(reader: StoreReader, options?: ScanOptions): string[] {
  return [...reader.entries(options)].map(([k, v]) => `${k}=${Buffer.from(v).toString('utf8')}`);
}

/** What the model holds within `options`, in the order a store yields it. */
function dumpModel(model: Model, options?: ScanOptions): string[] {
  return selectKeys(model.keys(), options).map((k) => `${k}=${model.get(k)}`);
}

/** Checks every read of `reader` (a snapshot) against the frozen `model`. */
function expectFrozen(reader: StoreReader, model: Model, options: ScanOptions): void {
  expect(reader.size).toBe(model.size);
  for (const key of KEYS) {
    const want = model.get(key);
    expect(reader.has(key), JSON.stringify(key)).toBe(want !== undefined);
    const got = reader.get(key);
    expect(got === undefined ? undefined : Buffer.from(got).toString('utf8')).toBe(want);
  }
  expect(dump(reader, options), JSON.stringify(options)).toEqual(dumpModel(model, options));
  expect([...reader.keys(options)]).toEqual(selectKeys(model.keys(), options));
  expect([...reader.values(options)].map((v) => Buffer.from(v).toString('utf8'))).toEqual(
    selectKeys(model.keys(), options).map((k) => model.get(k)),
  );
}

interface Real {
  readonly store: Store;
  readonly snapshots: (StoreSnapshot | undefined)[];
  readonly iterators: { iterator: Iterator<[string, Uint8Array]>; left: string[] }[];
}

interface Sim {
  readonly model: Model;
  snapshots: number;
}

/** A write, against the store and the model. */
class WriteCommand implements fc.AsyncCommand<Sim, Real> {
  constructor(readonly op: SuiteOp) {}
  check(): boolean {
    return true;
  }
  async run(sim: Sim, real: Real): Promise<void> {
    const expected = applyToModel(sim.model, this.op);
    expect(await runOp(real.store, this.op)).toBe(expected);
  }
  toString(): string {
    return JSON.stringify(this.op);
  }
}

/** Takes a snapshot (and opens an iterator) now; both must keep showing this moment. */
class SnapshotCommand implements fc.AsyncCommand<Sim, Real> {
  constructor(readonly options: ScanOptions) {}
  check(): boolean {
    return true;
  }
  async run(sim: Sim, real: Real): Promise<void> {
    const frozen = new Map(sim.model);
    const snapshot = real.store.snapshot();
    (snapshot as { model?: Model }).model = frozen;
    real.snapshots.push(snapshot);
    real.iterators.push({
      iterator: real.store.entries(this.options),
      left: dumpModel(frozen, this.options),
    });
    sim.snapshots++;
  }
  toString(): string {
    return `snapshot+iterator(${JSON.stringify(this.options)})`;
  }
}

/** Reads snapshot `index` with a range; it must still equal the model of its moment. */
class ReadSnapshotCommand implements fc.AsyncCommand<Sim, Real> {
  constructor(
    readonly index: number,
    readonly options: ScanOptions,
  ) {}
  check(sim: Sim): boolean {
    return sim.snapshots > 0;
  }
  async run(_sim: Sim, real: Real): Promise<void> {
    const snapshot = real.snapshots[this.index % real.snapshots.length];
    if (snapshot === undefined) return;
    expectFrozen(snapshot, (snapshot as { model?: Model }).model!, this.options);
  }
  toString(): string {
    return `readSnapshot(${this.index}, ${JSON.stringify(this.options)})`;
  }
}

/** Closes snapshot `index`; its reads must throw STORE_CLOSED from then on. */
class CloseSnapshotCommand implements fc.AsyncCommand<Sim, Real> {
  constructor(readonly index: number) {}
  check(sim: Sim): boolean {
    return sim.snapshots > 0;
  }
  async run(_sim: Sim, real: Real): Promise<void> {
    const i = this.index % real.snapshots.length;
    const snapshot = real.snapshots[i];
    if (snapshot === undefined) return;
    snapshot.close();
    snapshot.close();
    expect(() => snapshot.get('a')).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
    real.snapshots[i] = undefined;
  }
  toString(): string {
    return `closeSnapshot(${this.index})`;
  }
}

/** Steps iterator `index` a few times; it must yield what the model of its moment said. */
class StepIteratorCommand implements fc.AsyncCommand<Sim, Real> {
  constructor(
    readonly index: number,
    readonly steps: number,
  ) {}
  check(sim: Sim): boolean {
    return sim.snapshots > 0;
  }
  async run(_sim: Sim, real: Real): Promise<void> {
    const open = real.iterators[this.index % real.iterators.length]!;
    for (let i = 0; i < this.steps; i++) {
      const step = open.iterator.next();
      if (open.left.length === 0) {
        expect(step.done).toBe(true);
        return;
      }
      expect(step.done).toBe(false);
      const [k, v] = step.value as [string, Uint8Array];
      expect(`${k}=${Buffer.from(v).toString('utf8')}`).toBe(open.left.shift());
    }
  }
  toString(): string {
    return `stepIterator(${this.index}, ${this.steps})`;
  }
}

/** Reads the live store with a range: it must equal the current model. */
class ScanCommand implements fc.AsyncCommand<Sim, Real> {
  constructor(readonly options: ScanOptions) {}
  check(): boolean {
    return true;
  }
  async run(sim: Sim, real: Real): Promise<void> {
    expect(dump(real.store, this.options)).toEqual(dumpModel(sim.model, this.options));
  }
  toString(): string {
    return `scan(${JSON.stringify(this.options)})`;
  }
}

/** Registers consistent iterators and snapshots: examples, and a model run with writes between reads. */
export function snapshotTests(o: ResolvedSuiteOptions): void {
  const { withStore } = o;
  const closed = expect.objectContaining({ code: 'STORE_CLOSED' });

  describe('consistent iterators and snapshots', () => {
    it('an iterator sees the store as it was when it was created, even before its first next()', () =>
      withStore(async (store) => {
        for (const key of ['a', 'b', 'c', 'd']) await store.set(key, bytes(`${key}0`));
        const before = ['a=a0', 'b=b0', 'c=c0', 'd=d0'];
        const entries = store.entries();
        const keys = store.keys({ reverse: true });
        const values = store.values({ gt: 'a' });
        await store.set('b', bytes('b1'));
        await store.set('bb', bytes('new'));
        await store.delete('c');
        await store.batch([
          { type: 'set', key: 'e', value: bytes('e1') },
          { type: 'delete', key: 'd' },
        ]);
        await store.putIfAbsent('0', bytes('first'));
        await store.compareAndSet('a', bytes('a0'), bytes('a1'));
        expect([...entries].map(([k, v]) => `${k}=${Buffer.from(v).toString()}`)).toEqual(before);
        expect([...keys]).toEqual(['d', 'c', 'b', 'a']);
        expect([...values].map((v) => Buffer.from(v).toString())).toEqual(['b0', 'c0', 'd0']);
        expect(dump(store)).toEqual(['0=first', 'a=a1', 'b=b1', 'bb=new', 'e=e1']);
      }));

    it('a half-read iterator keeps its view while writes land ahead of it and behind it, and clear()', () =>
      withStore(async (store) => {
        const keys = Array.from({ length: 300 }, (_, i) => `k${String(i).padStart(3, '0')}`);
        await store.batch(keys.map((key) => ({ type: 'set' as const, key, value: bytes(key) })));
        const iterator = store.keys();
        const seen: string[] = [];
        for (let i = 0; i < 100; i++) seen.push(iterator.next().value as string);
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < 300; i += 3) writes.push(store.delete(keys[i]!));
        for (let i = 0; i < 300; i += 7) writes.push(store.set(`${keys[i]}+`, bytes('new')));
        await Promise.all(writes);
        for (let i = 0; i < 100; i++) seen.push(iterator.next().value as string);
        await store.clear();
        for (const key of iterator) seen.push(key);
        expect(seen).toEqual(keys);
        expect(store.size).toBe(0);
      }));

    it('an open iterator or snapshot does not hold writers up', () =>
      withStore(async (store) => {
        await store.set('a', bytes('1'));
        const iterator = store.entries();
        iterator.next();
        const snapshot = store.snapshot();
        await store.set('a', bytes('2'));
        expect(await store.putIfAbsent('b', bytes('1'))).toBe(true);
        expect(await store.compareAndSet('a', bytes('2'), bytes('3'))).toBe(true);
        await store.batch([{ type: 'delete', key: 'b' }]);
        await store.clear();
        expect(store.size).toBe(0);
        expect(snapshot.size).toBe(1);
        expect(Buffer.from(snapshot.get('a')!).toString()).toBe('1');
        expect(iterator.next().done).toBe(true);
        snapshot.close();
      }));

    it('snapshot() freezes get, has, size and every ranged read at its moment', () =>
      withStore(async (store) => {
        for (const key of ORDER_KEYS) await store.set(key, bytes(key));
        const model = new Map(ORDER_KEYS.map((k) => [k, k]));
        const snapshot = store.snapshot();
        for (const key of ORDER_KEYS.slice(0, 8)) await store.delete(key);
        await store.set('a', bytes('changed'));
        await store.set('zz', bytes('added'));
        for (const options of [
          {},
          { reverse: true },
          { gt: 'a', lte: '\uffff' },
          { prefix: 'a', reverse: true, limit: 2 },
          { gte: '🔑', limit: 1 },
        ]) {
          expectFrozen(snapshot, model, options);
        }
        expect(snapshot.has('zz')).toBe(false);
        expect(store.has('zz')).toBe(true);
        snapshot.close();
      }));

    it('a closed snapshot throws STORE_CLOSED, also in its open iterators; close is idempotent', () =>
      withStore(async (store) => {
        await store.set('a', bytes('1'));
        await store.set('b', bytes('2'));
        const one = store.snapshot();
        const two = store.snapshot();
        const iterator = one.keys();
        expect(iterator.next().value).toBe('a');
        one.close();
        one.close();
        expect(() => iterator.next()).toThrow(closed);
        expect(() => one.get('a')).toThrow(closed);
        expect(() => one.has('a')).toThrow(closed);
        expect(() => one.size).toThrow(closed);
        expect(() => one.entries()).toThrow(closed);
        expect(() => one.keys()).toThrow(closed);
        expect(() => one.values()).toThrow(closed);
        await store.set('a', bytes('3'));
        expect([...two.keys()]).toEqual(['a', 'b']);
        expect(Buffer.from(two.get('a')!).toString()).toBe('1');
        two.close();
        expect(Buffer.from(store.get('a')!).toString()).toBe('3');
      }));

    it('closing the store closes its snapshots; a closed store refuses snapshot()', () =>
      withStore(async (store) => {
        await store.set('a', bytes('1'));
        const snapshot = store.snapshot();
        const iterator = snapshot.keys();
        await store.close();
        expect(() => snapshot.get('a')).toThrow(closed);
        expect(() => iterator.next()).toThrow(closed);
        expect(() => store.snapshot()).toThrow(closed);
        snapshot.close();
      }));

    it('a snapshot validates keys and options like the store', () =>
      withStore(async (store) => {
        const snapshot = store.snapshot();
        expect(() => snapshot.get(1 as unknown as string)).toThrow(
          expect.objectContaining({ code: o.codes.invalidKey }),
        );
        expect(() => snapshot.keys({ limit: -1 })).toThrow(
          expect.objectContaining({ code: o.codes.invalidOption }),
        );
        snapshot.close();
      }));

    it('a snapshot taken among writes issued without awaiting equals the store at that moment, forever', () =>
      fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(opArbitrary(KEYS, VALUES, true), { minLength: 1, maxLength: 10 }),
          fc.nat(10),
          async (s, ops, at) =>
            withStore(async (store) => {
              let snapshot: StoreSnapshot | undefined;
              let then: string[] = [];
              const calls: Promise<unknown>[] = [];
              const take = (): void => {
                snapshot = store.snapshot();
                then = dump(store);
                expect(dump(snapshot)).toEqual(then);
              };
              for (let i = 0; i < ops.length; i++) {
                if (i === at) calls.push(s.schedule(Promise.resolve(), 'snapshot').then(take));
                const op = ops[i]!;
                calls.push(
                  s.schedule(Promise.resolve(), JSON.stringify(op)).then(() => runOp(store, op)),
                );
              }
              if (at >= ops.length)
                calls.push(s.schedule(Promise.resolve(), 'snapshot').then(take));
              await s.waitFor(Promise.all(calls));
              expect(dump(snapshot!)).toEqual(then);
              expect(dump(snapshot!, { reverse: true })).toEqual([...then].reverse());
              snapshot!.close();
            }),
        ),
        { numRuns: o.concurrencyRuns },
      ));

    it('snapshots and open iterators match their moment under random writes (model-based)', () =>
      fc.assert(
        fc.asyncProperty(
          fc.commands(
            [
              opArbitrary(KEYS, VALUES, true).map((op) => new WriteCommand(op)),
              scanOptionsArbitrary(KEYS).map((options) => new SnapshotCommand(options)),
              fc
                .tuple(fc.nat(), scanOptionsArbitrary(KEYS))
                .map(([i, options]) => new ReadSnapshotCommand(i, options)),
              fc.nat().map((i) => new CloseSnapshotCommand(i)),
              fc
                .tuple(fc.nat(), fc.integer({ min: 1, max: 3 }))
                .map(([i, n]) => new StepIteratorCommand(i, n)),
              scanOptionsArbitrary(KEYS).map((options) => new ScanCommand(options)),
            ],
            { maxCommands: o.maxCommands },
          ),
          async (commands) =>
            withStore(async (store) => {
              const real: Real = { store, snapshots: [], iterators: [] };
              try {
                await fc.asyncModelRun(
                  () => ({ model: { model: new Map(), snapshots: 0 }, real }),
                  commands,
                );
              } finally {
                for (const snapshot of real.snapshots) snapshot?.close();
              }
            }),
        ),
        { numRuns: o.modelRuns },
      ));
  });
}
