import { expect, it } from 'vitest';
import { replayProgress } from '../src/replay-progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, write: (s: string) => writes.push(s) };
}

it('prints nothing for a short replay to a log, then a line a second once it runs long', () => {
  let now = 0;
  const out = stream(false);
  const progress = replayProgress(out, () => now);
  for (now = 0; now < 2000; now += 100) progress.onProgress({ bytesDone: now, bytesTotal: 10_000 });
  expect(out.writes).toEqual([]);
  for (; now <= 4000; now += 100) progress.onProgress({ bytesDone: now * 2, bytesTotal: 10_000 });
  expect(out.writes).toHaveLength(3);
  expect(out.writes[0]).toMatch(/^hermes: replaying the log 40% \(/);
  expect(out.writes.every((w) => w.endsWith('\n'))).toBe(true);
  progress.done();
  expect(out.writes).toHaveLength(3);
});

it('redraws one line on a terminal and clears it when done', () => {
  let now = 0;
  const out = stream(true);
  const progress = replayProgress(out, () => now);
  progress.onProgress({ bytesDone: 0, bytesTotal: 100 });
  now = 50;
  progress.onProgress({ bytesDone: 10, bytesTotal: 100 });
  now = 150;
  progress.onProgress({ bytesDone: 100, bytesTotal: 100 });
  expect(out.writes).toHaveLength(2);
  expect(out.writes[1]).toMatch(/^\rhermes: replaying the log 100%/);
  progress.done();
  expect(out.writes[2]).toBe('\r\x1b[K');
});
