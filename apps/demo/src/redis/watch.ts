import type { AppliedKeys, DurableStore } from '@hermes/wal-store';

/** A connection's `WATCH`: the keys it watches, and whether one changed since. */
export interface Watcher {
  /** Set once a watched key is written (by anyone, through any front), until `UNWATCH`/`EXEC`. */
  dirty: boolean;
  readonly keys: Set<string>;
}

/**
 * Every `WATCH` of the server, told of each write as it becomes visible (the durable store's
 * `onApplied`, so writes over HTTP count too). It listens only while some key is watched.
 */
export class WatchRegistry {
  readonly #store: DurableStore;
  readonly #byKey = new Map<string, Set<Watcher>>();
  readonly #watchers = new Set<Watcher>();
  #stop: (() => void) | undefined;

  constructor(store: DurableStore) {
    this.#store = store;
  }

  /** Starts watching `key` for `watcher`. */
  watch(watcher: Watcher, key: string): void {
    let watchers = this.#byKey.get(key);
    if (watchers === undefined) {
      watchers = new Set();
      this.#byKey.set(key, watchers);
    }
    watchers.add(watcher);
    watcher.keys.add(key);
    this.#watchers.add(watcher);
    this.#stop ??= this.#store.onApplied((keys) => this.#applied(keys));
  }

  /** Forgets every key of `watcher` and clears its `dirty` flag. */
  unwatch(watcher: Watcher): void {
    for (const key of watcher.keys) {
      const watchers = this.#byKey.get(key);
      watchers?.delete(watcher);
      if (watchers?.size === 0) this.#byKey.delete(key);
    }
    watcher.keys.clear();
    watcher.dirty = false;
    this.#watchers.delete(watcher);
    if (this.#watchers.size === 0 && this.#stop !== undefined) {
      this.#stop();
      this.#stop = undefined;
    }
  }

  /** Keys watched now, by any connection. */
  get watchedKeys(): number {
    return this.#byKey.size;
  }

  #applied(keys: AppliedKeys): void {
    if (keys === 'every key') {
      for (const watcher of this.#watchers) watcher.dirty = true;
      return;
    }
    for (const key of keys) {
      const watchers = this.#byKey.get(key);
      if (watchers !== undefined) for (const watcher of watchers) watcher.dirty = true;
    }
  }
}
