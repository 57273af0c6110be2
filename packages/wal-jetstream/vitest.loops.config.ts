import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/** The long fault loops, run by `test:loops` only (CI's `pnpm test` leaves them out). */
export default mergeConfig(
  sharedConfig,
  defineConfig({ test: { include: ['test/fault-loops/**/*.loop.ts'], testTimeout: 600_000 } }),
);
