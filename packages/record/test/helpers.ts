import fc from 'fast-check';
import type { ClearRecord, DecodeResult, LogRecord, Op } from '../src/index.js';
import { FILE_HEADER, FILE_HEADER_V1, LogDecoder } from '../src/index.js';

/** Keys from every generator the spec names, plus ordinary keys and awkward characters. */
export const arbKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.stringMatching(/^[A-Za-z0-9:/._-]{0,24}$/),
  fc.string({ unit: fc.constantFrom('\n', '\r', '\0', '%', ' ', '😀', 'é', '\uFEFF', 'a', '%2') }),
);

/** One set or delete. */
export const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('set' as const), key: arbKey, value: fc.uint8Array() }),
  fc.record({ type: fc.constant('delete' as const), key: arbKey }),
);

/** A clear with any valid combination of bounds (at most one per side), keys as {@link arbKey}. */
export const arbClear: fc.Arbitrary<ClearRecord> = fc
  .record({
    lower: fc.option(fc.tuple(fc.constantFrom('gt' as const, 'gte' as const), arbKey), {
      nil: undefined,
    }),
    upper: fc.option(fc.tuple(fc.constantFrom('lt' as const, 'lte' as const), arbKey), {
      nil: undefined,
    }),
  })
  .map(({ lower, upper }) => {
    const record: { type: 'clear'; gt?: string; gte?: string; lt?: string; lte?: string } = {
      type: 'clear',
    };
    if (lower !== undefined) record[lower[0]] = lower[1];
    if (upper !== undefined) record[upper[0]] = upper[1];
    return record;
  });

/** Any record of version 1: a single op or a batch of 1..8 ops. */
export const arbRecord: fc.Arbitrary<LogRecord> = fc.oneof(
  arbOp,
  fc.record({
    type: fc.constant('batch' as const),
    ops: fc.array(arbOp, { minLength: 1, maxLength: 8 }),
  }),
);

/** Any record of version 2: a version 1 record or a clear. */
export const arbRecordV2: fc.Arbitrary<LogRecord> = fc.oneof(arbRecord, arbClear);

/** A record with values as hex strings, so that Buffer and Uint8Array compare equal. */
export function plain(record: LogRecord): unknown {
  if (record.type === 'clear') return { ...record };
  if (record.type === 'batch') return { type: 'batch', ops: record.ops.map(plain) };
  if (record.type === 'delete') return { type: 'delete', key: record.key };
  return { type: 'set', key: record.key, value: Buffer.from(record.value).toString('hex') };
}

/** A result made comparable (values as hex). */
export function plainResult(result: DecodeResult): unknown {
  return result.ok ? { ...result, record: plain(result.record) } : result;
}

/** Decodes `chunks` as one stream and returns every result, made comparable. */
export function decodeAll(
  chunks: readonly Uint8Array[],
  options?: ConstructorParameters<typeof LogDecoder>[0],
): unknown[] {
  const out: unknown[] = [];
  const decoder = new LogDecoder(options);
  const emit = (r: DecodeResult): void => {
    out.push(plainResult(r));
  };
  for (const chunk of chunks) decoder.push(chunk, emit);
  decoder.end(emit);
  return out;
}

/** The version 1 header followed by `lines`: a file as older writers wrote it. */
export function v1File(...lines: Uint8Array[]): Buffer {
  return Buffer.concat([FILE_HEADER_V1, ...lines]);
}

/** `FILE_HEADER` (version 2) followed by `lines`: a file as writers write it now. */
export function v2File(...lines: Uint8Array[]): Buffer {
  return Buffer.concat([FILE_HEADER, ...lines]);
}

/** Cuts `bytes` at the given positions (sorted, deduplicated, clamped). */
export function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => Math.min(p, bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of at) {
    chunks.push(bytes.subarray(prev, p));
    prev = p;
  }
  chunks.push(bytes.subarray(prev));
  return chunks;
}
