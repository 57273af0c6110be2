export * from './errors.js';
export * from './layout.js';
export * from './node-fs.js';
export * from './types.js';
