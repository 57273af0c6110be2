import type { ReplayProgress } from '@hermes/wal';

/** Where progress goes: a stream with an optional TTY flag (as `process.stderr`). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** How long a replay runs before a non-TTY stream gets progress lines. */
const QUIET_MS = 2000;

/**
 * Reports replay progress on `stream`: on a terminal, a percentage line redrawn at most every
 * 100 ms from the start; elsewhere (logs), a line every second, only once the replay has taken
 * more than 2 s, so short replays print nothing. Call `done()` when the replay ends.
 */
export function replayProgress(
  stream: ProgressStream,
  now: () => number = performance.now.bind(performance),
): { onProgress(progress: ReplayProgress): void; done(): void } {
  const start = now();
  const tty = stream.isTTY === true;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    onProgress({ bytesDone, bytesTotal }) {
      const t = now();
      if (!tty && t - start < QUIET_MS) return;
      if (t - last < (tty ? 100 : 1000)) return;
      last = t;
      const pct = bytesTotal > 0 ? Math.min(100, (bytesDone / bytesTotal) * 100) : 100;
      const line = `hermes: replaying the log ${pct.toFixed(0)}% (${mib(bytesDone)} of ${mib(bytesTotal)})`;
      stream.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      drawn = true;
    },
    done() {
      if (tty && drawn) stream.write('\r\x1b[K');
    },
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
