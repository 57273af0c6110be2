import { NATIVE_DECODE_FROM } from './base64.js';
import { base64CrcInvalid, readBase64Crc } from './base64-crc-decode.js';
import { CRC_INIT, crc32Final, crc32Update } from './crc32.js';
import { SPACE } from './format.js';
import { ORDINARY } from './key.js';
import { latin1Slice } from './latin1.js';
import type { Op, RecordLimits } from './types.js';

const EQUALS = 61;

/**
 * The common line, `SET <ordinary key> <short base64>` whose body starts at `body` and whose
 * stored checksum is `stored` (`view` is a DataView over `line`'s memory), decoded in one pass: the base64 is decoded as the CRC runs over
 * it. Returns `undefined` for anything else (an escaped key, an empty or long value, a limit
 * exceeded, a bad byte, a checksum mismatch): the caller then takes the careful path, which
 * checks the checksum first and names the failure.
 */
export function decodeFastSet(
  line: Buffer,
  view: DataView,
  body: number,
  end: number,
  stored: number,
  limits: RecordLimits,
): Op | undefined {
  const keyStart = body + 4;
  let keyEnd = keyStart;
  while (keyEnd < end && ORDINARY[line[keyEnd]!] === 1) keyEnd++;
  if (keyEnd >= end || line[keyEnd] !== SPACE || keyEnd - keyStart > limits.maxKeyBytes) {
    return undefined;
  }
  const start = keyEnd + 1;
  const n = end - start;
  if (n === 0 || (n & 3) !== 0) return undefined;
  const pad = line[end - 1] === EQUALS ? (line[end - 2] === EQUALS ? 2 : 1) : 0;
  const size = (n >>> 2) * 3 - pad;
  if (size >= NATIVE_DECODE_FROM || size > limits.maxValueBytes) return undefined;
  const value = Buffer.allocUnsafe(size);
  const c = readBase64Crc(
    line,
    view,
    start,
    end,
    pad,
    value,
    crc32Update(CRC_INIT, line, body, start),
  );
  if (base64CrcInvalid || crc32Final(c) !== stored) return undefined;
  return { type: 'set', key: latin1Slice(line, keyStart, keyEnd), value };
}
