import { type DecodeResult, LogDecoder, type LogFormat, type RecordLimits } from '@hermes/record';
import type { FileSystem } from '../types.js';

/** Size of the replay buffer; each positioned read fills half of it (4 MiB). */
export const REPLAY_READ_BYTES: number = 8 * 1024 * 1024;

/** Options of {@link scanFile}. */
export interface ScanFileOptions {
  readonly fs: FileSystem;
  /** Full path of the segment or snapshot. */
  readonly path: string;
  readonly limits: RecordLimits;
  /** Reused read buffer; each read fills half of it. */
  readonly buffer: Uint8Array;
  /** Called for every decoded line or damaged span, in file order. */
  readonly onResult: (result: DecodeResult) => void;
  /** Called after each read with the number of bytes it returned. */
  readonly onBytes?: (bytes: number) => void;
  /**
   * Called once with the file's format, right before its first decoded line or damaged span is
   * emitted (a header-only file emits nothing, so it is not called); what it throws stops the scan.
   */
  readonly onFormat?: (format: LogFormat | null) => void;
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
 * Streams one log file through a `LogDecoder` with large positioned reads into the two halves of
 * a reused buffer (one is read while the other decodes), so memory stays bounded by the buffer
 * and the longest line, not by the file. Throws I/O errors, and whatever `onResult` throws.
 */
export async function scanFile(options: ScanFileOptions): Promise<ScannedFile> {
  const { fs, path, limits, buffer, onBytes, afterChunk, onFormat } = options;
  const decoder = new LogDecoder({ limits });
  let emit = options.onResult;
  if (onFormat !== undefined) {
    const each = emit;
    emit = (result) => {
      emit = each;
      onFormat(decoder.format ?? null);
      each(result);
    };
  }
  const onResult = (result: DecodeResult): void => emit(result);
  const file = await fs.openRead(path);
  let pending: Promise<number> = Promise.resolve(0);
  try {
    const size = file.size;
    // Two halves of the buffer: the next read runs in the background while this chunk decodes.
    const half = Math.max(1, buffer.length >> 1);
    const halves = [buffer.subarray(0, half), buffer.subarray(half, half * 2)] as const;
    const readAt = (which: number, position: number): Promise<number> => {
      const view = halves[which]!;
      const want = Math.min(view.length, size - position);
      if (want <= 0) return Promise.resolve(0);
      const read = file.read(view.subarray(0, want), position);
      read.catch(() => {}); // awaited below; this only keeps an abandoned read from going unhandled
      return read;
    };
    let position = 0;
    let which = 0;
    pending = readAt(0, 0);
    while (position < size) {
      const n = await pending;
      if (n === 0) break; // the file shrank under us: decode what we have
      const chunk = halves[which]!.subarray(0, n);
      position += n;
      which ^= 1;
      pending = readAt(which, position);
      decoder.push(chunk, onResult);
      onBytes?.(n);
      if (afterChunk !== undefined) await afterChunk();
    }
    decoder.end(onResult);
    return { size: position, format: decoder.format ?? null };
  } finally {
    await pending.catch(() => 0); // never close the handle under a read still running
    await file.close();
  }
}
