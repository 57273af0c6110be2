import { defineConfig, mergeConfig, type ViteUserConfig as UserConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * The release checks (dependency direction, changesets flow, pack-and-install of every layer),
 * run by `pnpm run check:release` from the workspace root.
 */
export default mergeConfig(
  sharedConfig as UserConfig,
  defineConfig({
    root: import.meta.dirname,
    // Appended to the shared `test/**/*.test.ts`, which matches nothing from this root.
    test: { include: ['*.test.ts'], testTimeout: 180_000, hookTimeout: 300_000 },
  }),
);
