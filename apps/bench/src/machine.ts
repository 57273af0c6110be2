import { execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { quantileSorted } from './core/stats.js';
import type { MachineFacts } from './types.js';

/** Filesystem type of `dir` (`ext4`, `xfs`, `tmpfs`, ...), or `unknown`. */
export function filesystemOf(dir: string): string {
  const attempts: [string, string[], (out: string) => string | undefined][] = [
    ['findmnt', ['-n', '-o', 'FSTYPE', '--target', dir], (out) => out.trim()],
    ['df', ['-T', dir], (out) => out.trim().split('\n').at(-1)?.split(/\s+/)[1]],
    ['stat', ['-f', '-c', '%T', dir], (out) => out.trim()],
  ];
  for (const [command, args, parse] of attempts) {
    try {
      const fs = parse(
        execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      );
      if (fs) return fs;
    } catch {
      // try the next tool
    }
  }
  return 'unknown';
}

/**
 * Raw `fdatasync` latency in `dir`: `samples` times, append 4 KiB to a file and time the
 * `fdatasync` alone. Synchronous on purpose: nothing else runs while it is measured.
 */
export function fdatasyncLatency(
  dir: string,
  samples: number,
): { p50: number; p99: number; samples: number } {
  const path = join(dir, 'fdatasync.probe');
  const fd = openSync(path, 'a');
  const block = Buffer.alloc(4096, 0x61);
  const times = new Float64Array(samples);
  try {
    for (let i = 0; i < samples; i++) {
      writeSync(fd, block);
      const t0 = performance.now();
      fdatasyncSync(fd);
      times[i] = performance.now() - t0;
    }
  } finally {
    closeSync(fd);
  }
  times.sort();
  return { p50: quantileSorted(times, 0.5), p99: quantileSorted(times, 0.99), samples };
}

/** The commit checked out in `dir` (`+dirty` if the work tree has changes), or `undefined`. */
export function gitCommit(dir: string): string | undefined {
  try {
    const run = (args: string[]): string =>
      execFileSync('git', args, {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const head = run(['rev-parse', '--short=12', 'HEAD']);
    return run(['status', '--porcelain', '--untracked-files=no']) === '' ? head : `${head}+dirty`;
  } catch {
    return undefined;
  }
}

/** CPU, cores, memory, Node, kernel, filesystem of `dir` and its fdatasync latency. */
export function machineFacts(dir: string, fsyncSamples: number): MachineFacts {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
    filesystem: filesystemOf(dir),
    fdatasyncMs: fdatasyncLatency(dir, fsyncSamples),
  };
}
