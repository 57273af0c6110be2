import {
  decodeLine,
  LineSplitter,
  type LogRecord,
  type RecordLimits,
  resolveLimits,
} from '@hermes/record';
import { WalImportError, WalPathError } from './errors.js';
import { nodeFileSystem } from './fs/node-fs.js';
import { openWal } from './open.js';
import type { FileSystem } from './types.js';

/** What to do with a seed key that is not valid UTF-8 (Go strings allow any bytes). */
export type NonUtf8Keys =
  /** Refuse the import at that line (`WAL_IMPORT_INVALID`, reason `bad-key`). */
  | 'refuse'
  /**
   * Take each byte of the key as one character U+0000 to U+00FF, so that
   * `Buffer.from(key, 'latin1')` gives the seed's bytes back. Refused if such a key equals a
   * UTF-8 key of the same log (`key-collision`).
   */
  | 'latin1';

/** Options of {@link importSeedLog}. */
export interface ImportOptions {
  /** The seed's log file (`SET <key> <base64>` lines). */
  readonly source: string;
  /** A new or empty directory to write the Hermes log into. */
  readonly dir: string;
  /** Limits to check lines against; open the imported log with the same. @default DEFAULT_LIMITS */
  readonly limits?: Partial<RecordLimits>;
  /** @default 'refuse' */
  readonly nonUtf8Keys?: NonUtf8Keys;
  /** @default nodeFileSystem */
  readonly fs?: FileSystem;
}

/** What {@link importSeedLog} took. */
export interface ImportReport {
  /** Records written, one per line of the seed log. */
  readonly records: number;
  /** Distinct keys among them. */
  readonly keys: number;
  /** Keys taken byte for byte as latin1 (`nonUtf8Keys: 'latin1'`). */
  readonly latin1Keys: number;
  /** Bytes of the seed log read. */
  readonly bytes: number;
}

const READ_BYTES = 1024 * 1024;
const CR = 0x0d;
const SPACE = 0x20;

/** The `--max-*` option and field each decoder complaint about a limit names. */
const LIMIT_HINTS: readonly [string, string][] = [
  ['maxKeyBytes', '--max-key-bytes'],
  ['maxValueBytes', '--max-value-bytes'],
  ['maxLineBytes', '--max-line-bytes'],
];

/**
 * Streams the lines of `path` to `each(line, number, length)` (`line` is empty and `length`
 * larger for a line over `maxLineBytes`), awaiting `afterChunk` after each read's lines;
 * resolves the bytes read.
 */
async function eachLine(
  fs: FileSystem,
  path: string,
  limits: RecordLimits,
  each: (line: Uint8Array, number: number, length: number) => void,
  afterChunk?: () => Promise<void>,
): Promise<number> {
  const file = await fs.openRead(path);
  try {
    const splitter = new LineSplitter(limits.maxLineBytes);
    const buffer = new Uint8Array(READ_BYTES);
    let number = 0;
    let position = 0;
    for (;;) {
      const n = await file.read(buffer, position);
      if (n === 0) break;
      position += n;
      splitter.push(buffer.subarray(0, n), (line, _offset, length) => each(line, ++number, length));
      if (afterChunk !== undefined) await afterChunk();
    }
    const tail = splitter.end();
    if (tail !== undefined) {
      throw new WalImportError(
        path,
        number + 1,
        'truncated',
        `${path} line ${number + 1}: the last line has no newline, so the seed's last write was ` +
          'interrupted. Nothing was imported. Remove that line, or end it with a newline if it is ' +
          'complete, and import again.',
      );
    }
    return position;
  } finally {
    await file.close();
  }
}

/**
 * Decodes one seed line as {@link importSeedLog} takes it.
 * @throws WalImportError for a line it cannot take, saying what to do.
 */
function takeLine(
  path: string,
  line: Uint8Array,
  number: number,
  limits: RecordLimits,
  nonUtf8Keys: NonUtf8Keys,
  length = line.length,
): { record: LogRecord; latin1: boolean } {
  const where = `${path} line ${number}`;
  if (length > line.length) {
    throw new WalImportError(
      path,
      number,
      'too-large',
      `${where} takes ${length + 1} bytes, over maxLineBytes ${limits.maxLineBytes}. Nothing was ` +
        'imported. Raise the limit with --max-line-bytes <n> (maxLineBytes), and open the imported ' +
        'log with the same limits.',
    );
  }
  if (line.length > 0 && line[line.length - 1] === CR) {
    throw new WalImportError(
      path,
      number,
      'crlf',
      `${where} ends in CR (CRLF line endings, which the seed never wrote). Nothing was imported. ` +
        "Convert the file to LF endings (e.g. sed -i 's/\\r$//' <file>) and import again.",
    );
  }
  const result = decodeLine(line, 0, 'legacy', limits);
  if (result.ok) return { record: result.record, latin1: false };
  if (result.reason === 'bad-key' && nonUtf8Keys === 'latin1') {
    return { record: latin1Record(path, line, number, limits), latin1: true };
  }
  let advice = 'Fix or remove that line and import again.';
  if (result.reason === 'bad-key') {
    advice =
      'Go strings allow any bytes in a key; pass --non-utf8-keys latin1 to take each byte as one ' +
      "character (Buffer.from(key, 'latin1') gives the bytes back).";
  } else if (result.reason === 'too-large') {
    const hint = LIMIT_HINTS.find(([field]) => result.message.includes(field));
    if (hint !== undefined) {
      advice = `Raise the limit with ${hint[1]} <n> (${hint[0]}), and open the imported log with the same limits.`;
    }
  }
  throw new WalImportError(
    path,
    number,
    result.reason,
    `${where} cannot be imported (${result.reason}: ${result.message}). Nothing was imported. ${advice}`,
  );
}

/** A `SET` line whose key is not UTF-8, its key taken byte for byte as latin1. */
function latin1Record(
  path: string,
  line: Uint8Array,
  number: number,
  limits: RecordLimits,
): LogRecord {
  const bytes = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  const split = bytes.lastIndexOf(SPACE);
  const key = bytes.toString('latin1', 4, split);
  const field = bytes.toString('latin1', split + 1);
  const value = Buffer.from(field, 'base64');
  if (value.toString('base64') !== field || value.length > limits.maxValueBytes) {
    // Let the decoder name the value's fault, with a UTF-8 key in its place.
    const stand = Buffer.concat([Buffer.from('SET k '), bytes.subarray(split + 1)]);
    return takeLine(path, stand, number, limits, 'refuse').record;
  }
  return { type: 'set', key, value };
}

/**
 * Imports a log of the seed's format (`SET <key> <base64>` lines, no checksums) into a new
 * Hermes log in `dir`: first checks every line, so that a refusal writes nothing; then writes
 * one checksummed record per line and fsyncs before it resolves. Keys that are not valid UTF-8
 * are refused unless `nonUtf8Keys` is `'latin1'`.
 * @throws WalImportError `WAL_IMPORT_INVALID` with the line number for a line it cannot take;
 *   WalPathError `WAL_BAD_DIRECTORY` if `dir` holds anything; the log's errors while writing.
 */
export async function importSeedLog(options: ImportOptions): Promise<ImportReport> {
  const fs = options.fs ?? nodeFileSystem;
  const limits = resolveLimits(options.limits);
  const mode = options.nonUtf8Keys ?? 'refuse';
  const { source, dir } = options;
  const present = await fs.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (present.length > 0) {
    throw new WalPathError(
      'WAL_BAD_DIRECTORY',
      dir,
      `${dir} is not empty: import writes a new log, into a directory that does not exist yet or is empty. Pick another one.`,
    );
  }
  const utf8Keys = new Set<string>();
  const latin1Keys = new Set<string>();
  await eachLine(fs, source, limits, (line, number, length) => {
    const { record, latin1 } = takeLine(source, line, number, limits, mode, length);
    if (record.type !== 'set') return;
    const [mine, other] = latin1 ? [latin1Keys, utf8Keys] : [utf8Keys, latin1Keys];
    if (other.has(record.key)) {
      throw new WalImportError(
        source,
        number,
        'key-collision',
        `${source} line ${number}: its key, taken as latin1, equals a UTF-8 key of the same log ` +
          '(two seed keys would become one). Nothing was imported. Rename one of them in the seed.',
      );
    }
    mine.add(record.key);
  });

  const { wal } = await openWal({ fs, dir, limits, sync: 1000 });
  let records = 0;
  let bytes = 0;
  try {
    // Appends of one chunk's lines go out together; the next chunk waits for them (bounded memory).
    let inFlight: Promise<void>[] = [];
    const each = (line: Uint8Array, number: number): void => {
      inFlight.push(wal.append(takeLine(source, line, number, limits, mode).record));
      records++;
    };
    const drain = async (): Promise<void> => {
      const batch = inFlight;
      inFlight = [];
      const failed = (await Promise.allSettled(batch)).find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    };
    bytes = await eachLine(fs, source, limits, each, drain);
    await drain();
    await wal.sync();
  } finally {
    await wal.close();
  }
  return { records, keys: utf8Keys.size + latin1Keys.size, latin1Keys: latin1Keys.size, bytes };
}
