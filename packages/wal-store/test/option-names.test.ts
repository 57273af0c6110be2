import { ShardedStore } from '@hermes/store';
import { afterAll, describe, expect, it } from 'vitest';
import { openDurableStore } from '../src/index.js';
import { TempDirs } from './helpers/temp-dir.js';

const dirs = new TempDirs();
afterAll(() => dirs.cleanup());

describe('openDurableStore refuses options it cannot honour, saying what to do', () => {
  it.each([undefined, null, 'dir', []])(
    'no options object (%j) is DURABLE_INVALID_OPTIONS, not a TypeError',
    async (options) => {
      await expect(openDurableStore(options as never)).rejects.toMatchObject({
        code: 'DURABLE_INVALID_OPTIONS',
        message: expect.stringMatching(
          /needs an options object like \{ store: new ShardedStore\(\), dir/,
        ),
      });
    },
  );

  it.each([
    ['syncPolicy', 'sync'],
    ['compation', 'compaction'],
    ['Dir', 'dir'],
    ['segmentbytes', 'segmentBytes'],
  ])('a misspelled option %s names the nearest valid one, %s', async (typo, meant) => {
    const dir = await dirs.make();
    await expect(
      openDurableStore({ store: new ShardedStore(), dir, [typo]: 1000 } as never),
    ).rejects.toMatchObject({
      code: 'DURABLE_INVALID_OPTIONS',
      message: expect.stringContaining(`Unknown option "${typo}": did you mean "${meant}"?`),
    });
  });

  it('an unknown option far from every name is refused without a guess', async () => {
    const dir = await dirs.make();
    await expect(
      openDurableStore({ store: new ShardedStore(), dir, colour: 'blue' } as never),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^Unknown option "colour" openDurableStore takes store, /),
    });
  });

  it('a string for sync is quoted with its type', async () => {
    const dir = await dirs.make();
    await expect(
      openDurableStore({ store: new ShardedStore(), dir, sync: '1000' as never }),
    ).rejects.toMatchObject({
      code: 'WAL_INVALID_OPTIONS',
      message: expect.stringContaining('got "1000" (a string)'),
    });
  });
});
