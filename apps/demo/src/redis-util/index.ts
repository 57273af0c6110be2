export { keyFromBytes, keyToBytes } from './binary-key.js';
export { compileGlob, type LiteralPrefix, literalPrefix } from './glob.js';
export { addInt64, INT64_MAX, INT64_MIN, parseCount, parseInt64 } from './integer.js';
export { keyHash, type ScanPage, scanPage } from './scan-cursor.js';
