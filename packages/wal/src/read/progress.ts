import type { ReplayProgress } from '../types.js';

/** Reports progress at most once per this many bytes, and at the end. */
export const PROGRESS_STEP_BYTES: number = 4 * 1024 * 1024;

/** Counts replayed bytes and calls `onProgress` every {@link PROGRESS_STEP_BYTES} and at the end. */
export class ProgressMeter {
  /** Bytes counted so far. */
  done = 0;
  private nextReport = PROGRESS_STEP_BYTES;
  private readonly total: number;
  private readonly onProgress: ((progress: ReplayProgress) => void) | undefined;

  constructor(total: number, onProgress: ((progress: ReplayProgress) => void) | undefined) {
    this.total = total;
    this.onProgress = onProgress;
  }

  /** Counts `bytes` more, reporting when a step boundary is crossed. */
  add(bytes: number): void {
    this.done += bytes;
    if (this.onProgress !== undefined && this.done >= this.nextReport && this.done < this.total) {
      this.onProgress({ bytesDone: this.done, bytesTotal: this.total });
      this.nextReport = this.done + PROGRESS_STEP_BYTES;
    }
  }

  /** Reports the final figure (`bytesDone === bytesTotal`). */
  finish(): void {
    const total = Math.max(this.total, this.done);
    this.onProgress?.({ bytesDone: total, bytesTotal: total });
  }
}
