export { buildApp } from './app.js';
export * from './app-options.js';
export { type CliResult, parseCli, userCwd } from './cli.js';
export type { ServiceConfig, StoreKind } from './config.js';
export * from './http-error.js';
export * from './metrics.js';
export { ConfigError, parseBytes, parseSync, type SyncSetting } from './parse-values.js';
export { type ServedStore, type WriteHealth, writeHealth } from './served-store.js';
export { type RunningService, startService } from './service.js';
