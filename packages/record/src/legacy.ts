import { base64DecodedLength, decodeBase64 } from './base64.js';
import { LineFault } from './failure.js';
import { SPACE } from './format.js';
import { isSet } from './parse-op.js';
import type { LogRecord, RecordLimits } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a line of the seed's format, `SET <key> <base64>`: no checksum, the key raw UTF-8
 * (it may hold spaces, so the value is the field after the LAST space).
 * @throws LineFault naming what is wrong.
 */
export function decodeLegacyBody(line: Buffer, limits: RecordLimits): LogRecord {
  if (!isSet(line, 0)) {
    throw new LineFault('unknown-op', 'A legacy line must start with "SET ".');
  }
  const end = line.length;
  const split = line.lastIndexOf(SPACE);
  if (split < 4) throw new LineFault('malformed', 'A legacy SET line needs a key and a value.');
  if (split - 4 > limits.maxKeyBytes) {
    throw new LineFault(
      'too-large',
      `The key takes ${split - 4} bytes, over maxKeyBytes ${limits.maxKeyBytes}.`,
    );
  }
  let key: string;
  try {
    key = utf8.decode(line.subarray(4, split));
  } catch {
    throw new LineFault('bad-key', 'The legacy key is not valid UTF-8.');
  }
  const size = base64DecodedLength(line, split + 1, end);
  if (size < 0) throw new LineFault('bad-base64', 'The value field is not padded base64.');
  if (size > limits.maxValueBytes) {
    throw new LineFault(
      'too-large',
      `The value takes ${size} bytes, over maxValueBytes ${limits.maxValueBytes}.`,
    );
  }
  const value = decodeBase64(line, split + 1, end, size);
  if (value === undefined) {
    throw new LineFault('bad-base64', 'The value field is not canonical standard base64.');
  }
  return { type: 'set', key, value };
}
