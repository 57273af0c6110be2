import { keyFromBytes } from '../redis-util/binary-key.js';
import { parseCount, parseInt64 } from '../redis-util/integer.js';
import { CommandError, ERRORS } from './errors.js';

/** The Hermes key of a Redis key argument (any bytes; see `keyFromBytes`). */
export function keyOf(arg: Buffer): string {
  return keyFromBytes(arg);
}

/** Whether an argument is `word`, ignoring ASCII case (as Redis compares options). */
export function isWord(arg: Buffer, word: string): boolean {
  if (arg.length !== word.length) return false;
  for (let i = 0; i < arg.length; i++) {
    let c = arg[i]!;
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** An argument as a signed 64-bit integer; else `ERR value is not an integer or out of range`. */
export function int64Arg(arg: Buffer): bigint {
  const n = parseInt64(arg);
  if (n === undefined) throw new CommandError(ERRORS.notInteger);
  return n;
}

/** An argument as a non-negative integer; else `ERR value is not an integer or out of range`. */
export function countArg(arg: Buffer): number {
  const n = parseCount(arg);
  if (n === undefined) throw new CommandError(ERRORS.notInteger);
  return n;
}

/** The lower-case ASCII name of a command or subcommand. */
export function lowerName(arg: Buffer): string {
  return arg.toString('latin1').toLowerCase();
}
