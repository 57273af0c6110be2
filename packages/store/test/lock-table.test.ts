import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LockMode, LockTable, type Release } from '../src/index.js';

/** Requests `locks` in `mode` and returns a handle that says whether it was granted, and its release. */
function request(
  table: LockTable,
  locks: number | number[],
  mode: LockMode,
  log?: string[],
  name = '',
) {
  const hold: { granted: boolean; release: Release } = {
    granted: false,
    release: () => {
      throw new Error('not granted');
    },
  };
  table.acquire(locks, mode, (release) => {
    hold.granted = true;
    hold.release = release;
    log?.push(name);
  });
  return hold;
}

describe('LockTable', () => {
  it('shared holders run together; an exclusive request waits for all of them', () => {
    const table = new LockTable(1);
    const a = request(table, 0, 'shared');
    const b = request(table, 0, 'shared');
    expect(a.granted && b.granted).toBe(true);
    expect(table.readers(0)).toBe(2);
    const x = request(table, 0, 'exclusive');
    expect(x.granted).toBe(false);
    a.release();
    expect(x.granted).toBe(false);
    b.release();
    expect(x.granted).toBe(true);
    expect(table.locked(0)).toBe(true);
    expect(table.readers(0)).toBe(0);
  });

  it('an exclusive holder runs alone, and grants happen synchronously, without a promise', () => {
    const table = new LockTable(2);
    const x = request(table, 0, 'exclusive');
    expect(x.granted).toBe(true);
    expect(request(table, 0, 'shared').granted).toBe(false);
    expect(request(table, 1, 'exclusive').granted).toBe(true);
    expect(table.pending(0)).toBe(1);
  });

  it('is FIFO-fair: a stream of shared requests does not starve a waiting exclusive one', () => {
    const table = new LockTable(1);
    const order: string[] = [];
    const first = request(table, 0, 'shared');
    const x1 = request(table, 0, 'exclusive', order, 'x1');
    // Newcomers queue behind the exclusive waiter even though only a shared hold is active.
    const s1 = request(table, 0, 'shared', order, 's1');
    const s2 = request(table, 0, 'shared', order, 's2');
    const x2 = request(table, 0, 'exclusive', order, 'x2');
    const s3 = request(table, 0, 'shared', order, 's3');
    expect(table.pending(0)).toBe(5);
    first.release();
    expect(order).toEqual(['x1']);
    x1.release();
    // Consecutive shared waiters at the head are granted together.
    expect(order).toEqual(['x1', 's1', 's2']);
    s1.release();
    s2.release();
    expect(order).toEqual(['x1', 's1', 's2', 'x2']);
    x2.release();
    expect(order).toEqual(['x1', 's1', 's2', 'x2', 's3']);
    s3.release();
    expect(table.pending(0)).toBe(0);
    expect(request(table, 0, 'exclusive').granted).toBe(true);
  });

  it('a multi-lock request joins every queue at once: a later shared request on a free lock waits behind it', () => {
    const table = new LockTable(3);
    const order: string[] = [];
    const held = request(table, 2, 'exclusive');
    // Waits for lock 2; lock 0 is free, but the request has queued there too.
    const batch = request(table, [0, 2], 'shared', order, 'batch');
    const later = request(table, 0, 'shared', order, 'later');
    const elsewhere = request(table, 1, 'shared', order, 'elsewhere');
    expect(order).toEqual(['elsewhere']);
    held.release();
    expect(order).toEqual(['elsewhere', 'batch', 'later']);
    batch.release();
    later.release();
    elsewhere.release();
    expect(table.readers(0) + table.readers(1) + table.readers(2)).toBe(0);
  });

  it('a grant that releases at once lets the next waiter in during the same release', () => {
    const table = new LockTable(1);
    const order: number[] = [];
    const first = request(table, 0, 'exclusive');
    for (let i = 0; i < 5; i++) {
      table.acquire(0, 'exclusive', (release) => {
        order.push(i);
        release();
      });
    }
    first.release();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(table.locked(0)).toBe(false);
    expect(table.pending(0)).toBe(0);
  });

  it('keeps FIFO order across thousands of waiters', () => {
    const table = new LockTable(1);
    const first = request(table, 0, 'exclusive');
    const order: number[] = [];
    const holds: Release[] = [];
    for (let i = 0; i < 3000; i++) {
      const mode: LockMode = i % 3 === 0 ? 'exclusive' : 'shared';
      table.acquire(0, mode, (release) => {
        order.push(i);
        if (mode === 'exclusive') release();
        else holds.push(release);
      });
    }
    first.release();
    // Shared holders granted together are released, which lets the next exclusive one in.
    while (holds.length > 0) holds.shift()!();
    expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(table.pending(0)).toBe(0);
  });

  it('a release called twice throws a RangeError', () => {
    const table = new LockTable(2);
    const one = request(table, 0, 'shared');
    one.release();
    expect(() => one.release()).toThrow(RangeError);
    const many = request(table, [0, 1], 'exclusive');
    many.release();
    expect(() => many.release()).toThrow(RangeError);
    expect(() => new LockTable(0)).toThrow(RangeError);
  });

  it('under every interleaving: exclusion holds, no deadlock, and requests sharing a lock start in request order', () =>
    fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.record({
            locks: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
            mode: fc.constantFrom<LockMode>('shared', 'exclusive'),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (s, requests) => {
          const table = new LockTable(4);
          const shared = [0, 0, 0, 0];
          const exclusive = [0, 0, 0, 0];
          const started: number[] = [];
          const done = requests.map(
            ({ locks, mode }, i) =>
              new Promise<void>((resolve) => {
                const sorted = [...locks].sort((a, b) => a - b);
                table.acquire(sorted.length === 1 ? sorted[0]! : sorted, mode, (release) => {
                  started.push(i);
                  for (const l of sorted) {
                    if (mode === 'exclusive') expect(shared[l]! + exclusive[l]!).toBe(0);
                    else expect(exclusive[l]).toBe(0);
                    if (mode === 'exclusive') exclusive[l]!++;
                    else shared[l]!++;
                  }
                  void s.schedule(Promise.resolve(), `hold #${i}`).then(() => {
                    for (const l of sorted) {
                      if (mode === 'exclusive') exclusive[l]!--;
                      else shared[l]!--;
                    }
                    release();
                    resolve();
                  });
                });
              }),
          );
          await s.waitFor(Promise.all(done));
          for (let i = 0; i < requests.length; i++) {
            for (let j = i + 1; j < requests.length; j++) {
              if (!requests[i]!.locks.some((l) => requests[j]!.locks.includes(l))) continue;
              expect(started.indexOf(i), `#${i} before #${j}`).toBeLessThan(started.indexOf(j));
            }
          }
          for (let l = 0; l < 4; l++) expect(table.pending(l) + table.readers(l)).toBe(0);
        },
      ),
    ));
});
