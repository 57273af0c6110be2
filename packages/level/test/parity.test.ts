/**
 * Parity with memory-level, Level's reference in-memory database: one long random workload
 * (puts, deletes, batches, ranged clears, gets, getMany, has, ranged and seeking iterators,
 * snapshots), its writes not awaited, runs against both; every result must be identical, and so
 * must the whole database after a reopen of the Hermes one. fast-check prints the seed of a
 * failure; replay it with `{ seed, path }` in the options of `fc.assert`.
 */
import { Buffer } from 'node:buffer';
import type { AbstractLevel } from 'abstract-level';
import fc from 'fast-check';
import { MemoryLevel } from 'memory-level';
import { afterAll, expect, it } from 'vitest';
import { HermesLevel } from '../src/index.js';
import { tempRoot } from './helpers.js';

const dirs = tempRoot('hermes-level-parity-');
afterAll(() => dirs.remove());

/** What both databases are: abstract-level databases of Buffer keys and values. */
type Db = AbstractLevel<string | Uint8Array, Buffer, Buffer>;
type Range = {
  gt?: Buffer;
  gte?: Buffer;
  lt?: Buffer;
  lte?: Buffer;
  reverse?: boolean;
  limit?: number;
};

/** Keys from bytes around the ASCII/non-ASCII edge, so the byte order is what is tested. */
const key = fc
  .array(fc.constantFrom(0x00, 0x01, 0x61, 0x62, 0x7f, 0x80, 0xc3, 0xa9, 0xff), {
    minLength: 1,
    maxLength: 3,
  })
  .map((b) => Buffer.from(b));
const value = fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b));
const range: fc.Arbitrary<Range> = fc
  .record({
    lower: fc.option(fc.tuple(fc.constantFrom('gt', 'gte'), key)),
    upper: fc.option(fc.tuple(fc.constantFrom('lt', 'lte'), key)),
    reverse: fc.boolean(),
    limit: fc.option(fc.integer({ min: 0, max: 8 })),
  })
  .map(({ lower, upper, reverse, limit }) => ({
    ...(lower ? { [lower[0]]: lower[1] } : {}),
    ...(upper ? { [upper[0]]: upper[1] } : {}),
    reverse,
    ...(limit === null ? {} : { limit }),
  }));

type Op =
  | { op: 'put'; key: Buffer; value: Buffer }
  | { op: 'del'; key: Buffer }
  | {
      op: 'batch';
      ops: ({ type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer })[];
    }
  | { op: 'clear'; range: Range }
  | { op: 'get'; key: Buffer }
  | { op: 'getMany'; keys: Buffer[] }
  | { op: 'has'; key: Buffer }
  | { op: 'iterate'; range: Range }
  | { op: 'seek'; range: Range; target: Buffer; n: number }
  | { op: 'snapshot'; keys: Buffer[] }
  | { op: 'settle' };

const operation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('put' as const), key, value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('del' as const), key }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('batch' as const),
      ops: fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('put' as const), key, value }),
          fc.record({ type: fc.constant('del' as const), key }),
        ),
        { maxLength: 6 },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const), range }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('getMany' as const),
      keys: fc.array(key, { maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('has' as const), key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('iterate' as const), range }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('seek' as const),
      range,
      target: key,
      n: fc.integer({ min: 1, max: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('snapshot' as const),
      keys: fc.array(key, { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'settle' as const }) },
);

const hex = (b: Buffer | undefined): string | undefined => b?.toString('hex');

/**
 * Starts every op of `ops` on `db` in order, awaiting nothing but `settle` (which awaits what
 * was started so far), and resolves with every result, as hex.
 */
async function run(db: Db, ops: readonly Op[]): Promise<unknown[]> {
  const pending: Promise<unknown>[] = [];
  for (const o of ops) {
    switch (o.op) {
      case 'put':
        pending.push(db.put(o.key, o.value).then(() => 'put'));
        break;
      case 'del':
        pending.push(db.del(o.key).then(() => 'del'));
        break;
      case 'batch':
        pending.push(db.batch(o.ops).then(() => 'batch'));
        break;
      case 'clear':
        pending.push(db.clear(o.range).then(() => 'clear'));
        break;
      case 'get':
        pending.push(db.get(o.key).then(hex));
        break;
      case 'getMany':
        pending.push(db.getMany(o.keys).then((vs) => vs.map(hex)));
        break;
      case 'has':
        pending.push(db.has(o.key));
        break;
      case 'iterate':
        pending.push(
          db
            .iterator(o.range)
            .all()
            .then((es) => es.map(([k, v]) => [hex(k), hex(v)])),
        );
        break;
      case 'seek': {
        const it = db.keys(o.range);
        it.seek(o.target);
        pending.push(
          it.nextv(o.n).then(async (ks) => {
            await it.close();
            return ks.map(hex);
          }),
        );
        break;
      }
      case 'snapshot': {
        const snapshot = db.snapshot();
        const later = o.keys[0] ? db.put(o.keys[0], Buffer.from('after')) : Promise.resolve();
        pending.push(
          Promise.all([
            db.getMany(o.keys, { snapshot }),
            db.iterator({ snapshot, limit: 5 }).all(),
            later,
          ]).then(async ([vs, es]) => {
            await snapshot.close();
            return [vs.map(hex), es.map(([k, v]) => [hex(k), hex(v)])];
          }),
        );
        break;
      }
      case 'settle':
        pending.push(Promise.all(pending.slice()).then(() => 'settled'));
        break;
    }
  }
  return Promise.all(pending);
}

/** Every entry of `db`, as hex. */
async function contents(db: Db): Promise<string[][]> {
  return (await db.iterator().all()).map(([k, v]) => [k.toString('hex'), v.toString('hex')]);
}

it('gives the same results as memory-level on a long random workload, writes not awaited', async () => {
  let runs = 0;
  let opsRun = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { minLength: 100, maxLength: 400 }), async (ops) => {
      const dir = dirs.next();
      const options = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
      const hermes = new HermesLevel<Buffer, Buffer>(dir, options);
      const memory = new MemoryLevel<Buffer, Buffer>(options);
      try {
        await Promise.all([hermes.open(), memory.open()]);
        const [got, want] = [await run(hermes, ops), await run(memory, ops)];
        expect(got).toEqual(want);
        const expected = await contents(memory);
        expect(await contents(hermes)).toEqual(expected);
        await hermes.close();
        const reopened = new HermesLevel<Buffer, Buffer>(dir, options);
        expect(await contents(reopened)).toEqual(expected);
        await reopened.close();
      } finally {
        await hermes.close();
        await memory.close();
      }
      runs++;
      opsRun += ops.length;
    }),
    { numRuns: 25 },
  );
  console.log(`parity with memory-level: ${runs} workloads, ${opsRun} operations, identical`);
}, 300_000);
