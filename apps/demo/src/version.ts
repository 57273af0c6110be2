import { createRequire } from 'node:module';

/** The service's version (this app's package.json), as `--version` and `hermes_build_info` show it. */
export const VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
