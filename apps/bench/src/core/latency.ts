import type { Latency } from '../types.js';
import { quantileSorted } from './stats.js';

/** Collects per-operation latencies (milliseconds, stored as float32) without per-sample allocation. */
export class LatencyRecorder {
  #chunks: Float32Array[] = [];
  #current = new Float32Array(1 << 16);
  #used = 0;

  /** Adds one latency, in milliseconds. */
  add(ms: number): void {
    if (this.#used === this.#current.length) {
      this.#chunks.push(this.#current);
      this.#current = new Float32Array(1 << 18);
      this.#used = 0;
    }
    this.#current[this.#used++] = ms;
  }

  /** Samples recorded so far. */
  get count(): number {
    let n = this.#used;
    for (const c of this.#chunks) n += c.length;
    return n;
  }

  /** Percentiles over everything recorded, or `undefined` if nothing was. */
  percentiles(): Latency | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const all = new Float32Array(n);
    let at = 0;
    for (const c of this.#chunks) {
      all.set(c, at);
      at += c.length;
    }
    all.set(this.#current.subarray(0, this.#used), at);
    all.sort();
    return {
      p50: quantileSorted(all, 0.5),
      p99: quantileSorted(all, 0.99),
      p999: quantileSorted(all, 0.999),
      samples: n,
    };
  }
}
