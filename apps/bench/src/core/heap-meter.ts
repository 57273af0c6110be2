import { GCProfiler, getHeapStatistics } from 'node:v8';

/** What V8's heap did between {@link startHeapMeter} and the reading. */
export interface HeapReading {
  /** Milliseconds V8 spent collecting garbage. */
  readonly gcMs: number;
  /**
   * Bytes allocated on V8's heap: the growth of its used size plus what each collection freed.
   * Off-heap memory (a `Buffer`'s bytes from a fresh `ArrayBuffer`) is not counted; the objects
   * that hold it are.
   */
  readonly allocatedBytes: number;
}

/**
 * Starts measuring V8's garbage collections and allocation (a `v8.GCProfiler`, which records each
 * collection's cost and heap sizes before and after as it ends); the function returned stops it
 * and reads what happened since.
 */
export function startHeapMeter(): () => HeapReading {
  const profiler = new GCProfiler();
  profiler.start();
  const usedBefore = getHeapStatistics().used_heap_size;
  return () => {
    const usedAfter = getHeapStatistics().used_heap_size;
    const { statistics } = profiler.stop();
    let gcUs = 0;
    let freed = 0;
    for (const gc of statistics) {
      gcUs += gc.cost;
      freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    }
    return { gcMs: gcUs / 1000, allocatedBytes: usedAfter - usedBefore + freed };
  };
}
