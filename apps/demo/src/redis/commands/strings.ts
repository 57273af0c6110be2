import { addInt64, parseInt64 } from '../../redis-util/integer.js';
import { int64Arg, isWord, keyOf } from '../args.js';
import type { CommandSpec } from '../command.js';
import { arityError, CommandError, ERRORS } from '../errors.js';
import { checkSizes, type Keyspace } from '../keyspace.js';
import { bulk, bulkArray, integer, NULL, OK, type Reply } from '../reply.js';

const ONE = integer(1);
const ZERO = integer(0);

const EXPIRY = ['EX', 'PX', 'EXAT', 'PXAT'] as const;

/** What `SET`'s options asked for. */
interface SetOptions {
  readonly condition: 'nx' | 'xx' | undefined;
  readonly get: boolean;
}

/**
 * Parses `SET`'s options as Redis 7 does (case-insensitive; `NX` with `XX`, or two expiry
 * options, is a syntax error), then refuses any expiry option: Hermes keys do not expire.
 */
function setOptions(args: readonly Buffer[]): SetOptions {
  let condition: 'nx' | 'xx' | undefined;
  let get = false;
  let expiry: string | undefined;
  for (let i = 3; i < args.length; i++) {
    const arg = args[i]!;
    if (isWord(arg, 'NX') && condition !== 'xx') condition = 'nx';
    else if (isWord(arg, 'XX') && condition !== 'nx') condition = 'xx';
    else if (isWord(arg, 'GET')) get = true;
    else if (isWord(arg, 'KEEPTTL') && (expiry === undefined || expiry === 'KEEPTTL')) {
      expiry = 'KEEPTTL';
    } else if (EXPIRY.some((word) => isWord(arg, word)) && i + 1 < args.length) {
      const kind = arg.toString('latin1').toUpperCase();
      if (expiry !== undefined && expiry !== kind) throw new CommandError(ERRORS.syntax);
      expiry = kind;
      const when = int64Arg(args[++i]!);
      if (when <= 0n) throw new CommandError("ERR invalid expire time in 'set' command");
    } else {
      throw new CommandError(ERRORS.syntax);
    }
  }
  if (expiry !== undefined) throw new CommandError(ERRORS.expiry);
  return { condition, get };
}

/** `SET key value [NX | XX] [GET]`. */
function set(ks: Keyspace, args: readonly Buffer[]): Reply {
  const { condition, get } = setOptions(args);
  const key = keyOf(args[1]!);
  const old = get ? ks.get(key) : undefined;
  const exists = get ? old !== undefined : condition !== undefined && ks.has(key);
  if ((condition === 'nx' && exists) || (condition === 'xx' && !exists)) {
    return get ? bulk(old) : NULL;
  }
  ks.set(key, args[2]!);
  return get ? bulk(old) : OK;
}

/** The integer stored under `key` (0 when absent), or `ERR value is not an integer`. */
function storedInteger(ks: Keyspace, key: string): bigint {
  const value = ks.get(key);
  if (value === undefined) return 0n;
  const n = parseInt64(value);
  if (n === undefined) throw new CommandError(ERRORS.notInteger);
  return n;
}

/** Adds `by` to the integer under `key`, as `INCRBY` does. */
function incrementBy(ks: Keyspace, key: string, by: bigint): Reply {
  const next = addInt64(storedInteger(ks, key), by);
  if (next === undefined) throw new CommandError(ERRORS.overflow);
  ks.set(key, Buffer.from(next.toString(), 'latin1'));
  return integer(next);
}

const MIN_INT64 = -(2n ** 63n);

/** `INCR`-like: adds `by(args)` to the integer under the first argument's key. */
function counter(
  name: string,
  arity: number,
  by: (args: readonly Buffer[]) => bigint,
): CommandSpec {
  return {
    name,
    arity,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => incrementBy(ks, keyOf(args[1]!), by(args)),
  };
}

/** The string commands: `GET`, `SET` and its relatives, counters, `MGET`/`MSET`. */
export const STRING_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => bulk(ks.get(keyOf(args[1]!))),
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: [1, 1, 1],
    data: set,
    fast: (args, ctx) => {
      if (args.length !== 3) return undefined;
      const key = keyOf(args[1]!);
      checkSizes(key, args[2]!, ctx.server.limits);
      return ctx.server.store.set(key, args[2]!).then(() => OK);
    },
  },
  {
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => {
      const key = keyOf(args[1]!);
      if (ks.has(key)) return ZERO;
      ks.set(key, args[2]!);
      return ONE;
    },
  },
  {
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => {
      const key = keyOf(args[1]!);
      const old = ks.get(key);
      ks.set(key, args[2]!);
      return bulk(old);
    },
  },
  {
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => {
      const key = keyOf(args[1]!);
      const old = ks.get(key);
      if (old !== undefined) ks.delete(key);
      return bulk(old);
    },
  },
  {
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => integer(ks.get(keyOf(args[1]!))?.length ?? 0),
  },
  {
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => {
      const key = keyOf(args[1]!);
      const old = ks.get(key);
      const next = old === undefined ? args[2]! : Buffer.concat([old, args[2]!]);
      ks.set(key, next);
      return integer(next.length);
    },
  },
  counter('incr', 2, () => 1n),
  counter('decr', 2, () => -1n),
  counter('incrby', 3, (args) => int64Arg(args[2]!)),
  counter('decrby', 3, (args) => {
    const by = int64Arg(args[2]!);
    if (by === MIN_INT64) throw new CommandError(ERRORS.decrementOverflow);
    return -by;
  }),
  {
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: [1, -1, 1],
    data: (ks, args) => bulkArray(args.slice(1).map((arg) => ks.get(keyOf(arg)))),
  },
  {
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: [1, -1, 2],
    data: (ks, args) => {
      if (args.length % 2 === 0) throw new CommandError(arityError('mset'));
      for (let i = 1; i < args.length; i += 2) ks.set(keyOf(args[i]!), args[i + 1]!);
      return OK;
    },
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: [1, -1, 2],
    data: (ks, args) => {
      if (args.length % 2 === 0) throw new CommandError(arityError('msetnx'));
      for (let i = 1; i < args.length; i += 2) if (ks.has(keyOf(args[i]!))) return ZERO;
      for (let i = 1; i < args.length; i += 2) ks.set(keyOf(args[i]!), args[i + 1]!);
      return ONE;
    },
  },
];
