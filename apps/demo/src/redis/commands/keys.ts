import { keyToBytes } from '../../redis-util/binary-key.js';
import { compileGlob, literalPrefix } from '../../redis-util/glob.js';
import { scanPage } from '../../redis-util/scan-cursor.js';
import { countArg, isWord, keyOf } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import { CommandError, ERRORS } from '../errors.js';
import type { Keyspace } from '../keyspace.js';
import { array, bulk, integer, OK, type Reply, simple } from '../reply.js';

/** The distinct keys of `args` from the second on. */
function distinctKeys(args: readonly Buffer[]): string[] {
  return [...new Set(args.slice(1).map(keyOf))];
}

/**
 * What a pattern asks of the keyspace: the Hermes key prefix every match starts with (to narrow
 * the walk), and the test of a key's bytes (`undefined` when the prefix alone decides).
 */
function patternFilter(pattern: Buffer | undefined): {
  prefix: string;
  accept: ((key: string) => boolean) | undefined;
} {
  if (pattern === undefined) return { prefix: '', accept: undefined };
  const literal = literalPrefix(pattern);
  // A byte prefix narrows by key prefix only when it maps to the same string prefix: whole
  // UTF-8 characters, no escaped bytes.
  const prefix = keyOf(literal.prefix);
  const usable = keyToBytes(prefix).equals(literal.prefix) && !prefix.includes('\udbff');
  const match = compileGlob(pattern);
  const accept = (key: string): boolean => match(keyToBytes(key));
  if (!usable) return { prefix: '', accept };
  if (literal.exact && literal.anySuffix) return { prefix, accept: undefined };
  return { prefix, accept };
}

/** `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`. */
function scan(ks: Keyspace, args: readonly Buffer[]): Reply {
  const cursorText = args[1]!.toString('latin1');
  if (!/^(0|[1-9]\d{0,19})$/.test(cursorText) || BigInt(cursorText) >= 2n ** 64n) {
    throw new CommandError(ERRORS.invalidCursor);
  }
  let pattern: Buffer | undefined;
  let count = 10;
  let onlyStrings = true;
  for (let i = 2; i < args.length; i += 2) {
    const value = args[i + 1];
    if (value === undefined) throw new CommandError(ERRORS.syntax);
    if (isWord(args[i]!, 'MATCH')) pattern = value;
    else if (isWord(args[i]!, 'COUNT')) {
      count = countArg(value);
      if (count < 1) throw new CommandError(ERRORS.syntax);
    } else if (isWord(args[i]!, 'TYPE')) onlyStrings = isWord(value, 'STRING');
    else throw new CommandError(ERRORS.syntax);
  }
  // Cursors are hashes below 2^52; a larger one is past the end.
  const cursor = Number(cursorText);
  if (!onlyStrings || cursor >= 2 ** 52) return array([bulk('0'), array([])]);
  const { prefix, accept } = patternFilter(pattern);
  const page = scanPage(ks.keys(prefix), cursor, count, accept);
  return array([bulk(String(page.next)), array(page.keys.map((key) => bulk(keyToBytes(key))))]);
}

/** `KEYS pattern`, refused past the server's bound (use `SCAN`). */
function keys(ks: Keyspace, args: readonly Buffer[], ctx: CommandContext): Reply {
  const { prefix, accept } = patternFilter(args[1]);
  const limit = ctx.server.maxKeysReply;
  const found: Reply[] = [];
  for (const key of ks.keys(prefix)) {
    if (accept !== undefined && !accept(key)) continue;
    if (found.length === limit) {
      throw new CommandError(
        `ERR KEYS would answer more than ${limit} keys: use SCAN to page through them`,
      );
    }
    found.push(bulk(keyToBytes(key)));
  }
  return array(found);
}

/**
 * `FLUSHDB`/`FLUSHALL [ASYNC | SYNC]`: clears the one database, durably (on a replicated log, one
 * `CLEAR` record that every replica applies in its place in the stream).
 */
async function flush(args: readonly Buffer[], ctx: CommandContext): Promise<Reply> {
  if (
    args.length > 2 ||
    (args.length === 2 && !isWord(args[1]!, 'ASYNC') && !isWord(args[1]!, 'SYNC'))
  ) {
    throw new CommandError(ERRORS.syntax);
  }
  await ctx.server.store.clear();
  return OK;
}

const delete_ = (ks: Keyspace, args: readonly Buffer[]): Reply => {
  let deleted = 0;
  for (const key of distinctKeys(args)) if (ks.delete(key)) deleted++;
  return integer(deleted);
};

/** The keyspace commands: `DEL`, `EXISTS`, `DBSIZE`, `SCAN`, `KEYS`, `FLUSHDB`, ... */
export const KEY_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'del',
    arity: -2,
    flags: ['write'],
    keys: [1, -1, 1],
    data: delete_,
    fast: (args, ctx) => {
      if (args.length !== 2) return undefined;
      const key = keyOf(args[1]!);
      // A key over the limit cannot be stored, so it is not there: nothing to log.
      if (Buffer.byteLength(key) > ctx.server.limits.maxKeyBytes)
        return Promise.resolve(integer(0));
      return ctx.server.store.delete(key).then((existed) => integer(existed ? 1 : 0));
    },
  },
  {
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    keys: [1, -1, 1],
    data: delete_,
  },
  {
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: [1, -1, 1],
    data: (ks, args) => {
      let n = 0;
      for (let i = 1; i < args.length; i++) if (ks.has(keyOf(args[i]!))) n++;
      return integer(n);
    },
  },
  {
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => simple(ks.has(keyOf(args[1]!)) ? 'string' : 'none'),
  },
  {
    name: 'ttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => integer(ks.has(keyOf(args[1]!)) ? -1 : -2),
  },
  {
    name: 'pttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    data: (ks, args) => integer(ks.has(keyOf(args[1]!)) ? -1 : -2),
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    keys: [0, 0, 0],
    data: (ks) => integer(ks.size),
  },
  { name: 'scan', arity: -2, flags: ['readonly'], keys: [0, 0, 0], data: scan },
  { name: 'keys', arity: 2, flags: ['readonly'], keys: [0, 0, 0], data: keys },
  { name: 'flushdb', arity: -1, flags: ['write'], keys: [0, 0, 0], control: flush },
  { name: 'flushall', arity: -1, flags: ['write'], keys: [0, 0, 0], control: flush },
];
