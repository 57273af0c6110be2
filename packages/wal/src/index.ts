export * from './errors.js';
export * from './layout.js';
export * from './types.js';
