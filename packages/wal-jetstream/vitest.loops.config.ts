import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/** The long fault loops, run by `test:loops` only (CI's `pnpm test` leaves them out). */
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    include: ['test/fault-loops/**/*.loop.ts'],
    testTimeout: 600_000,
  },
});
