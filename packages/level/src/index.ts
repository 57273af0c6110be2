export { HermesLevelError, type HermesLevelErrorCode } from './errors.js';
export { HermesLevel, type HermesLevelOptions, type HermesStoreOptions } from './hermes-level.js';
export { bytesOfKey, keyOfBytes, keyOfText, textOfKey } from './keys.js';
