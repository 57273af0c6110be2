import { basename, join } from 'node:path';
import type { DecodeFailure, RecordLimits } from '@hermes/record';
import { WalCorruptError } from '../errors.js';
import { segmentName, snapshotName } from '../layout.js';
import type { FileSystem } from '../types.js';
import { type Damage, salvageable } from './damage.js';
import { recoverLog } from './recover.js';
import { copyRange, createSideFile } from './repair.js';
import { REPLAY_READ_BYTES, scanFile } from './segment-reader.js';

/** One file {@link salvageLog} rewrote. */
export interface SalvagedFile {
  /** Full path of the segment or snapshot. */
  readonly file: string;
  /** Full path of the side file that keeps the dropped spans. */
  readonly sideFile: string;
  /** Damaged spans dropped from the file. */
  readonly spans: number;
  /** Bytes dropped from the file. */
  readonly bytes: number;
}

/** What {@link salvageLog} did. */
export interface SalvageReport {
  /** Records the log holds after salvage (a batch counts as one). */
  readonly recordsKept: number;
  /**
   * Damaged spans dropped: each is one damaged line, so one record, except where the damage hit
   * a newline and merged two lines into one span.
   */
  readonly recordsDropped: number;
  /** Bytes dropped, all kept in the side files. */
  readonly bytesDropped: number;
  /** Each rewritten file, in log order. */
  readonly files: readonly SalvagedFile[];
}

/** The first damage salvage leaves to a person (see `salvageable`), or undefined. */
export function unfixable(damage: readonly Damage[]): Damage | undefined {
  return damage.find((d) => d.kind !== 'torn-tail' && !salvageable(d));
}

/**
 * Rewrites a log directory without its damaged records, so that a normal open (and
 * `hermes-wal verify`) accepts it again: each damaged segment or snapshot is rewritten to
 * `.<name>.salvage.tmp` without its damaged spans, after the spans were copied to a fresh
 * `<name>.salvaged` side file (never overwriting one); both are fsynced, then the directory,
 * then the rewrite is renamed over the file and the directory fsynced again. A crash at any step
 * leaves each file either whole or rewritten with its dropped bytes durable in the side file.
 * The caller holds the directory lock.
 * @throws WalCorruptError (`WAL_CORRUPT`), before changing anything, for damage salvage cannot
 *   fix by dropping lines (see {@link unfixable}); I/O errors as they are.
 */
export async function salvageLog(options: {
  readonly fs: FileSystem;
  readonly dir: string;
  readonly limits: RecordLimits;
}): Promise<SalvageReport> {
  const { fs, dir, limits } = options;
  const checked = await recoverLog({ fs, dir, limits, recovery: 'salvage', readOnly: true });
  const refused = unfixable(checked.damage);
  if (refused !== undefined) {
    throw new WalCorruptError(
      refused.file,
      refused.offset,
      refused.reason,
      `hermes-wal salvage drops damaged records, but this damage is not a record it can drop: ` +
        `${refused.message} Nothing was changed.`,
    );
  }
  const paths = new Set(checked.damage.map((d) => d.file));
  // `damage` lists at most 1000 spans: past that, look at every file.
  const all = checked.report.skipped + (checked.report.tornTail ? 1 : 0) > checked.damage.length;
  const files: SalvagedFile[] = [];
  const buffer = new Uint8Array(REPLAY_READ_BYTES);
  const candidates = all ? logFiles(dir, checked.snapshotSeq, checked.segments) : paths;
  for (const path of candidates) {
    const done = await rewrite(fs, dir, path, limits, buffer);
    if (done !== null) files.push(done);
  }
  return {
    recordsKept: checked.report.records,
    recordsDropped: files.reduce((sum, f) => sum + f.spans, 0),
    bytesDropped: files.reduce((sum, f) => sum + f.bytes, 0),
    files,
  };
}

const encoder = new TextEncoder();

/** The snapshot and segments of the log, in log order. */
function logFiles(dir: string, snapshotSeq: number | null, segments: readonly number[]): string[] {
  return [
    ...(snapshotSeq === null ? [] : [join(dir, snapshotName(snapshotSeq))]),
    ...segments.map((seq) => join(dir, segmentName(seq))),
  ];
}

/** Rewrites `path` without its damaged spans (see {@link salvageLog}); null if it has none. */
async function rewrite(
  fs: FileSystem,
  dir: string,
  path: string,
  limits: RecordLimits,
  buffer: Uint8Array,
): Promise<SalvagedFile | null> {
  const spans: DecodeFailure[] = [];
  const { size } = await scanFile({
    fs,
    path,
    limits,
    buffer,
    onResult: (r) => {
      if (!r.ok) spans.push(r);
    },
  });
  if (spans.length === 0) return null;
  const input = await fs.openRead(path);
  let sideFile: string;
  const temp = join(dir, `.${basename(path)}.salvage.tmp`);
  try {
    const side = await createSideFile(fs, path, 'salvaged');
    sideFile = side.path;
    try {
      for (const span of spans) {
        const frame = `# ${basename(path)} @${span.offset} ${span.length} bytes (${span.reason})\n`;
        await side.file.write([encoder.encode(frame)]);
        await copyRange(input, side.file, span.offset, span.offset + span.length);
        await side.file.write([encoder.encode('\n')]);
      }
      await side.file.datasync();
    } finally {
      await side.file.close();
    }
    await fs.unlink(temp); // left by a crashed run: the file it was rewriting is still whole
    await fs.writeExclusive(temp, new Uint8Array(0));
    const out = await fs.openAppend(temp);
    try {
      let kept = 0;
      for (const span of spans) {
        await copyRange(input, out, kept, span.offset);
        kept = span.offset + span.length;
      }
      await copyRange(input, out, kept, size);
      await out.datasync();
    } finally {
      await out.close();
    }
  } finally {
    await input.close();
  }
  await fs.syncDir(dir);
  await fs.rename(temp, path);
  await fs.syncDir(dir);
  return {
    file: path,
    sideFile,
    spans: spans.length,
    bytes: spans.reduce((s, f) => s + f.length, 0),
  };
}
