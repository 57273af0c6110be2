import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LockMode } from '../src/index.js';
import { RwLock } from '../src/index.js';

describe('RwLock', () => {
  it('shared holders run together; an exclusive request waits for all of them', () => {
    const lock = new RwLock();
    expect(lock.tryAcquire('shared')).toBe(true);
    expect(lock.tryAcquire('shared')).toBe(true);
    expect(lock.readers).toBe(2);
    expect(lock.tryAcquire('exclusive')).toBe(false);
    const granted: string[] = [];
    lock.request('exclusive', () => granted.push('x'));
    lock.release('shared');
    expect(granted).toEqual([]);
    lock.release('shared');
    expect(granted).toEqual(['x']);
    expect(lock.locked).toBe(true);
    expect(lock.readers).toBe(0);
  });

  it('an exclusive holder runs alone', () => {
    const lock = new RwLock();
    expect(lock.tryAcquire('exclusive')).toBe(true);
    expect(lock.tryAcquire('exclusive')).toBe(false);
    expect(lock.tryAcquire('shared')).toBe(false);
    lock.release('exclusive');
    expect(lock.tryAcquire('exclusive')).toBe(true);
  });

  it('grants synchronously when free, without a promise', () => {
    const lock = new RwLock();
    let granted = false;
    lock.request('exclusive', () => {
      granted = true;
    });
    expect(granted).toBe(true);
    expect(lock.locked).toBe(true);
  });

  it('is FIFO-fair: a stream of shared requests does not starve a waiting exclusive one', () => {
    const lock = new RwLock();
    const order: string[] = [];
    expect(lock.tryAcquire('shared')).toBe(true);
    lock.request('exclusive', () => order.push('x1'));
    // Newcomers queue behind the exclusive waiter even though a shared hold is active.
    expect(lock.tryAcquire('shared')).toBe(false);
    lock.request('shared', () => order.push('s1'));
    lock.request('shared', () => order.push('s2'));
    lock.request('exclusive', () => order.push('x2'));
    lock.request('shared', () => order.push('s3'));
    expect(lock.pending).toBe(5);
    lock.release('shared');
    expect(order).toEqual(['x1']);
    lock.release('exclusive');
    // Consecutive shared waiters at the head are granted together.
    expect(order).toEqual(['x1', 's1', 's2']);
    expect(lock.readers).toBe(2);
    lock.release('shared');
    lock.release('shared');
    expect(order).toEqual(['x1', 's1', 's2', 'x2']);
    lock.release('exclusive');
    expect(order).toEqual(['x1', 's1', 's2', 'x2', 's3']);
    lock.release('shared');
    expect(lock.pending).toBe(0);
    expect(lock.tryAcquire('exclusive')).toBe(true);
  });

  it('a grant that releases at once lets the next waiter in during the same release', () => {
    const lock = new RwLock();
    const order: number[] = [];
    expect(lock.tryAcquire('exclusive')).toBe(true);
    for (let i = 0; i < 5; i++) {
      lock.request('exclusive', () => {
        order.push(i);
        lock.release('exclusive');
      });
    }
    lock.release('exclusive');
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(lock.locked).toBe(false);
    expect(lock.pending).toBe(0);
  });

  it('keeps FIFO order across thousands of waiters', async () => {
    const lock = new RwLock();
    await lock.acquire('exclusive');
    const order: number[] = [];
    const done = Array.from({ length: 3000 }, (_, i) =>
      lock.acquire(i % 3 === 0 ? 'exclusive' : 'shared').then(() => {
        order.push(i);
        lock.release(i % 3 === 0 ? 'exclusive' : 'shared');
      }),
    );
    lock.release('exclusive');
    await Promise.all(done);
    expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(lock.pending).toBe(0);
  });

  it('release without a matching hold throws a RangeError', () => {
    const lock = new RwLock();
    expect(() => lock.release('shared')).toThrow(RangeError);
    expect(() => lock.release('exclusive')).toThrow(RangeError);
    lock.tryAcquire('shared');
    expect(() => lock.release('exclusive')).toThrow(RangeError);
  });

  it('run releases the lock when the critical section throws or rejects', async () => {
    const lock = new RwLock();
    await expect(
      lock.run('exclusive', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(lock.run('exclusive', () => Promise.reject(new Error('async')))).rejects.toThrow(
      'async',
    );
    expect(lock.locked).toBe(false);
    await expect(lock.run('shared', async () => 42)).resolves.toBe(42);
    expect(lock.readers).toBe(0);
  });

  it('under every interleaving: exclusion holds and holders enter in request order', () =>
    fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.constantFrom<LockMode>('shared', 'exclusive'), {
          minLength: 1,
          maxLength: 12,
        }),
        async (s, modes) => {
          const lock = new RwLock();
          let shared = 0;
          let exclusive = 0;
          let maxShared = 0;
          const entered: number[] = [];
          const tasks = modes.map(async (mode, i) => {
            await lock.acquire(mode);
            entered.push(i);
            if (mode === 'exclusive') {
              expect(shared + exclusive).toBe(0);
              exclusive++;
            } else {
              expect(exclusive).toBe(0);
              shared++;
              maxShared = Math.max(maxShared, shared);
            }
            await s.schedule(Promise.resolve(), `hold #${i} ${mode}`);
            if (mode === 'exclusive') exclusive--;
            else shared--;
            lock.release(mode);
          });
          await s.waitFor(Promise.all(tasks));
          expect(entered).toEqual(modes.map((_, i) => i));
          // Shared requests with no exclusive one between them are held together.
          if (modes[0] === 'shared' && modes[1] === 'shared') expect(maxShared).toBeGreaterThan(1);
          expect(lock.readers + lock.pending).toBe(0);
          expect(lock.locked).toBe(false);
        },
      ),
    ));
});
