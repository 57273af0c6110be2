import { protocolError } from './errors.js';

/** C's `isspace`: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The byte `\<c>` stands for inside double quotes. */
function escaped(c: number): number {
  switch (c) {
    case 110: // n
      return 10;
    case 114: // r
      return 13;
    case 116: // t
      return 9;
    case 98: // b
      return 8;
    case 97: // a
      return 7;
    default:
      return c;
  }
}

/**
 * Splits the inline request `line` (without its line end) into arguments as Redis's
 * `sdssplitargs` does: blanks separate arguments; `"..."` takes `\n \r \t \b \a \xHH` and
 * `\<any>` for that byte; `'...'` takes `\'`; a quote may open inside an argument (`a"b c"` is
 * `ab c`) but a closing quote must be followed by a blank or the end. A NUL byte ends the line,
 * as it ends Redis's C string. The arguments are views of one fresh buffer, not of `line`.
 * @throws RespProtocolError `RESP_UNBALANCED_QUOTES` for an unclosed quote, or a closing quote
 *   followed by something else than a blank.
 */
export function splitInline(line: Uint8Array): Buffer[] {
  const nul = line.indexOf(0);
  const end = nul === -1 ? line.length : nul;
  const out = Buffer.allocUnsafe(end);
  const args: Buffer[] = [];
  let w = 0;
  let p = 0;
  for (;;) {
    while (p < end && isSpace(line[p]!)) p++;
    if (p === end) return args;
    const from = w;
    let quote = 0; // 0, 34 (") or 39 (')
    for (;;) {
      if (p === end) {
        if (quote !== 0) throw protocolError('RESP_UNBALANCED_QUOTES');
        break;
      }
      const c = line[p]!;
      if (quote === 34 && c === 92 && p + 1 < end) {
        const hi = p + 3 < end && line[p + 1] === 120 ? hexValue(line[p + 2]!) : -1;
        const lo = hi === -1 ? -1 : hexValue(line[p + 3]!);
        if (lo !== -1) {
          out[w++] = hi * 16 + lo;
          p += 4;
        } else {
          out[w++] = escaped(line[p + 1]!);
          p += 2;
        }
      } else if (quote === 39 && c === 92 && p + 1 < end && line[p + 1] === 39) {
        out[w++] = 39;
        p += 2;
      } else if (quote !== 0 && c === quote) {
        p++;
        if (p < end && !isSpace(line[p]!)) throw protocolError('RESP_UNBALANCED_QUOTES');
        break;
      } else if (quote === 0 && (c === 32 || c === 10 || c === 13 || c === 9)) {
        p++;
        break;
      } else if (quote === 0 && (c === 34 || c === 39)) {
        quote = c;
        p++;
      } else {
        out[w++] = c;
        p++;
      }
    }
    args.push(out.subarray(from, w));
  }
}
