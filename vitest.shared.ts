import { defineConfig } from 'vitest/config';

/**
 * The one vitest configuration every package and app extends.
 *
 * Workspace packages are resolved to their TypeScript sources through the
 * `@hermes/source` export condition, so tests never run against a stale build.
 */
export const sharedConfig: ReturnType<typeof defineConfig> = defineConfig({
  resolve: { conditions: ['@hermes/source'] },
  ssr: { resolve: { conditions: ['@hermes/source'], externalConditions: ['@hermes/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    pool: 'forks',
  },
});
