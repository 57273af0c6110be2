import type {
  BatchOp,
  EVERY_KEY,
  Granted,
  LockableStore,
  LockMode,
  ScanOptions,
  Store,
  StoreSnapshot,
} from '@hermes/store';

/**
 * A user's own `LockableStore`, built by delegating to a Hermes store: the durable store must
 * work over any store that meets the contract, not only over the classes it knows.
 */
export class PlainLockable implements LockableStore {
  readonly #inner: LockableStore;
  constructor(inner: LockableStore) {
    this.#inner = inner;
  }
  get size(): number {
    return this.#inner.size;
  }
  get(key: string): Buffer | undefined {
    return this.#inner.get(key);
  }
  has(key: string): boolean {
    return this.#inner.has(key);
  }
  entries(options?: ScanOptions): IterableIterator<[key: string, value: Buffer]> {
    return this.#inner.entries(options);
  }
  keys(options?: ScanOptions): IterableIterator<string> {
    return this.#inner.keys(options);
  }
  values(options?: ScanOptions): IterableIterator<Buffer> {
    return this.#inner.values(options);
  }
  snapshot(): StoreSnapshot {
    return this.#inner.snapshot();
  }
  set(key: string, value: Uint8Array): Promise<void> {
    return this.#inner.set(key, value);
  }
  delete(key: string): Promise<boolean> {
    return this.#inner.delete(key);
  }
  putIfAbsent(key: string, value: Uint8Array): Promise<boolean> {
    return this.#inner.putIfAbsent(key, value);
  }
  compareAndSet(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
  ): ReturnType<Store['compareAndSet']> {
    return this.#inner.compareAndSet(key, expected, next);
  }
  batch(ops: readonly BatchOp[]): Promise<void> {
    return this.#inner.batch(ops);
  }
  clear(range?: ScanOptions): Promise<void> {
    return this.#inner.clear(range);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
  acquire(
    keys: string | readonly string[] | typeof EVERY_KEY,
    mode: LockMode,
    granted: Granted,
  ): void {
    this.#inner.acquire(keys, mode, granted);
  }
  applyUnlocked(ops: BatchOp | readonly BatchOp[]): boolean {
    return this.#inner.applyUnlocked(ops);
  }
  clearUnlocked(range?: ScanOptions): number {
    return this.#inner.clearUnlocked(range);
  }
}
