import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRecord, FILE_HEADER } from '@hermes/record';
import { segmentName } from '../../src/layout.js';

/** What {@link writeBigLog} wrote. */
export interface BigLog {
  readonly bytes: number;
  readonly records: number;
  readonly segments: number;
}

/**
 * Writes a log of about `totalBytes` straight into segment files (no fsync, no Wal): one block
 * of encoded `set` records (16-byte keys, `valueBytes` values) is built once and repeated.
 */
export async function writeBigLog(
  dir: string,
  totalBytes: number,
  options: { segmentBytes?: number; valueBytes?: number } = {},
): Promise<BigLog> {
  const segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
  const value = Buffer.alloc(options.valueBytes ?? 100, 0x61);
  const lines: Buffer[] = [];
  let blockBytes = 0;
  for (let i = 0; blockBytes < 1024 * 1024; i++) {
    const line = encodeRecord({ type: 'set', key: `key:${String(i).padStart(12, '0')}`, value });
    lines.push(line);
    blockBytes += line.length;
  }
  const block = Buffer.concat(lines);
  const perSegment = Math.max(1, Math.floor((segmentBytes - FILE_HEADER.length) / block.length));
  const segment = Buffer.concat([FILE_HEADER, ...Array.from({ length: perSegment }, () => block)]);
  let bytes = 0;
  let records = 0;
  let seq = 1;
  while (bytes < totalBytes) {
    await writeFile(join(dir, segmentName(seq++)), segment);
    bytes += segment.length;
    records += perSegment * lines.length;
  }
  return { bytes, records, segments: seq - 1 };
}
