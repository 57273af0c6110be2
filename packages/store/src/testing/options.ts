import type { Store } from '../contract.js';

/** Makes a fresh, empty store for one test; the suite closes every store it gets. */
export type StoreFactory = () => Promise<Store> | Store;

/** Options of `storeSuite`. */
export interface StoreSuiteOptions {
  /** fast-check runs of each concurrency property. @default 100 */
  readonly concurrencyRuns?: number;
  /** fast-check runs of the model-based test. @default 100 */
  readonly modelRuns?: number;
  /** Most commands in one model run. @default 30 */
  readonly maxCommands?: number;
  /** Length of the "long key" edge case, in characters (the durable store caps keys at 4096 UTF-8 bytes). @default 1000 */
  readonly longKeyLength?: number;
  /**
   * The longest key the store takes, in UTF-8 bytes, for a store that caps keys (a durable
   * store: its log's `maxKeyBytes`): the suite then checks that every write refuses a longer key
   * with the invalid-key code, writing nothing, and takes one of exactly this length. Absent, it
   * checks that a key of 16 KiB is taken, as the in-memory stores take any length.
   * @default none (no cap)
   */
  readonly maxKeyBytes?: number;
  /** Called after the suite closed a store, e.g. to remove its directory. @default nothing */
  readonly dispose?: (store: Store) => Promise<void> | void;
  /**
   * Compacts the store, for stores that can (a durable store's `compact()`): the call-order
   * property then mixes compactions into its writes. @default none
   */
  readonly compact?: (store: Store) => Promise<unknown>;
  /**
   * Closes the store and opens it again over the same data, for durable stores: the call-order
   * property then checks the state after a reopen too. The suite closes the store it returns.
   * @default none
   */
  readonly reopen?: (store: Store) => Promise<Store>;
  /**
   * Codes the store rejects invalid input with. @default
   * `{ invalidKey: 'STORE_INVALID_KEY', invalidValue: 'STORE_INVALID_VALUE', invalidBatch: 'STORE_INVALID_BATCH', invalidOption: 'STORE_INVALID_OPTION' }`
   */
  readonly codes?: {
    readonly invalidKey?: string;
    readonly invalidValue?: string;
    readonly invalidBatch?: string;
    /** Scan options that are not valid `ScanOptions`. */
    readonly invalidOption?: string;
  };
}

/** {@link StoreSuiteOptions} with every default filled in. */
export interface ResolvedSuiteOptions {
  readonly concurrencyRuns: number;
  readonly modelRuns: number;
  readonly maxCommands: number;
  readonly longKeyLength: number;
  /** {@link StoreSuiteOptions.maxKeyBytes}, if given. */
  readonly maxKeyBytes: number | undefined;
  readonly codes: {
    invalidKey: string;
    invalidValue: string;
    invalidBatch: string;
    invalidOption: string;
  };
  /** {@link StoreSuiteOptions.compact}, if given. */
  readonly compact: ((store: Store) => Promise<unknown>) | undefined;
  /** {@link StoreSuiteOptions.reopen}, if given. */
  readonly reopen: ((store: Store) => Promise<Store>) | undefined;
  /** Opens a store, runs `body`, then closes (and disposes) it whatever happened. */
  readonly withStore: <T>(body: (store: Store) => Promise<T>) => Promise<T>;
}

/** Fills in the defaults of {@link StoreSuiteOptions}. */
export function resolveOptions(
  factory: StoreFactory,
  options: StoreSuiteOptions = {},
): ResolvedSuiteOptions {
  const dispose = options.dispose;
  return {
    concurrencyRuns: options.concurrencyRuns ?? 100,
    modelRuns: options.modelRuns ?? 100,
    maxCommands: options.maxCommands ?? 30,
    longKeyLength: options.longKeyLength ?? 1000,
    maxKeyBytes: options.maxKeyBytes,
    codes: {
      invalidKey: options.codes?.invalidKey ?? 'STORE_INVALID_KEY',
      invalidValue: options.codes?.invalidValue ?? 'STORE_INVALID_VALUE',
      invalidBatch: options.codes?.invalidBatch ?? 'STORE_INVALID_BATCH',
      invalidOption: options.codes?.invalidOption ?? 'STORE_INVALID_OPTION',
    },
    compact: options.compact,
    reopen: options.reopen,
    async withStore<T>(body: (store: Store) => Promise<T>): Promise<T> {
      const store = await factory();
      try {
        return await body(store);
      } finally {
        await store.close();
        await dispose?.(store);
      }
    },
  };
}
