import { PerformanceObserver } from 'node:perf_hooks';

/** Garbage-collection time seen since the clock started: see {@link gcClock}. */
export interface GcClock {
  /**
   * Milliseconds V8 spent in garbage collection since the clock started, up to now. Resolves
   * after one turn of the event loop: Node queues a collection's entry from a callback of its own.
   */
  ms(): Promise<number>;
  /** Stops observing. */
  stop(): void;
}

/**
 * Starts counting the time V8 spends collecting garbage (its `gc` performance entries). `ms()`
 * takes the entries queued but not yet delivered, so a reading right after some work counts the
 * collections that work caused.
 */
export function gcClock(): GcClock {
  let total = 0;
  const add = (entries: readonly { readonly duration: number }[]): void => {
    for (const entry of entries) total += entry.duration;
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async ms() {
      await new Promise(setImmediate);
      add(observer.takeRecords());
      return total;
    },
    stop() {
      observer.disconnect();
    },
  };
}
