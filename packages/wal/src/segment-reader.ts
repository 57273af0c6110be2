import { type DecodeResult, LogDecoder, type LogFormat, type RecordLimits } from '@hermes/record';
import type { FileSystem } from './types.js';

/** Size of one positioned read during replay. @default 4 MiB */
export const REPLAY_READ_BYTES: number = 4 * 1024 * 1024;

/** Options of {@link scanFile}. */
export interface ScanFileOptions {
  readonly fs: FileSystem;
  /** Full path of the segment or snapshot. */
  readonly path: string;
  readonly limits: RecordLimits;
  /** Reused read buffer; its length is the read size. */
  readonly buffer: Uint8Array;
  /** Called for every decoded line or damaged span, in file order. */
  readonly onResult: (result: DecodeResult) => void;
  /** Called after each read with the number of bytes it returned. */
  readonly onBytes?: (bytes: number) => void;
  /** Awaited after each chunk's lines were emitted (lets a consumer wait for its output). */
  readonly afterChunk?: () => Promise<void>;
}

/** What {@link scanFile} found besides the lines it emitted. */
export interface ScannedFile {
  /** Bytes read (the file's size when it was opened). */
  readonly size: number;
  /** `v1` when the file starts with `FILE_HEADER`, else `legacy`; `null` for an empty file. */
  readonly format: LogFormat | null;
}

/**
 * Streams one log file through a `LogDecoder` with large positioned reads into a reused buffer,
 * so memory stays bounded by the longest line, not by the file. Throws only I/O errors.
 */
export async function scanFile(options: ScanFileOptions): Promise<ScannedFile> {
  const { fs, path, limits, buffer, onResult, onBytes, afterChunk } = options;
  const file = await fs.openRead(path);
  try {
    const decoder = new LogDecoder({ limits });
    const size = file.size;
    let position = 0;
    while (position < size) {
      const want = Math.min(buffer.length, size - position);
      const view = want === buffer.length ? buffer : buffer.subarray(0, want);
      const n = await file.read(view, position);
      if (n === 0) break; // the file shrank under us: decode what we have
      decoder.push(n === view.length ? view : view.subarray(0, n), onResult);
      position += n;
      onBytes?.(n);
      if (afterChunk !== undefined) await afterChunk();
    }
    decoder.end(onResult);
    return { size: position, format: decoder.format ?? null };
  } finally {
    await file.close();
  }
}
