import { compileGlob } from '../../redis-util/glob.js';
import { countArg, int64Arg, isWord, lowerName } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import { CommandError, ERRORS, unknownSubcommand } from '../errors.js';
import { array, bulk, integer, map, OK, type Reply, simple, verbatim } from '../reply.js';

/** The version of Redis whose commands and replies Hermes follows. */
export const REDIS_COMPAT_VERSION = '7.2.0';

/** Redis's rule for client and library names: printable ASCII without spaces. */
function checkName(arg: Buffer, what: string): string {
  for (const c of arg) {
    if (c < 33 || c > 126) {
      throw new CommandError(`ERR ${what} cannot contain spaces, newlines or special characters.`);
    }
  }
  return arg.toString('latin1');
}

/** `HELLO [protover [AUTH username password] [SETNAME clientname]]`. */
function hello(args: readonly Buffer[], ctx: CommandContext): Reply {
  let protocol = ctx.client.writer.protocol;
  let name: string | null | undefined;
  if (args.length >= 2) {
    const version = Number(args[1]!.toString('latin1'));
    if (!/^-?\d+$/.test(args[1]!.toString('latin1')) || !Number.isSafeInteger(version)) {
      throw new CommandError('ERR Protocol version is not an integer or out of range');
    }
    if (version !== 2 && version !== 3) throw new CommandError(ERRORS.noProto);
    protocol = version;
    for (let i = 2; i < args.length; i++) {
      const more = args.length - i - 1;
      if (isWord(args[i]!, 'AUTH') && more >= 2) {
        i += 2; // Checked by the connection as the command was read (see RespConnection).
      } else if (isWord(args[i]!, 'SETNAME') && more >= 1) {
        name = checkName(args[++i]!, 'Client names');
      } else {
        throw new CommandError(`ERR Syntax error in HELLO option '${args[i]!.toString('latin1')}'`);
      }
    }
  }
  ctx.client.writer.protocol = protocol;
  if (name !== undefined) ctx.client.name = name === '' ? null : name;
  return map([
    ['server', bulk('hermes')],
    ['version', bulk(REDIS_COMPAT_VERSION)],
    ['proto', integer(protocol)],
    ['id', integer(ctx.client.id)],
    ['mode', bulk('standalone')],
    ['role', bulk('master')],
    ['modules', array([])],
  ]);
}

/** `CLIENT ID | SETNAME | GETNAME | SETINFO | INFO | NO-EVICT | NO-TOUCH | HELP`. */
function client(args: readonly Buffer[], ctx: CommandContext): Reply {
  const sub = lowerName(args[1]!);
  const wrongArity = (): never => {
    throw new CommandError(`ERR wrong number of arguments for 'client|${sub}' command`);
  };
  switch (sub) {
    case 'id':
      if (args.length !== 2) wrongArity();
      return integer(ctx.client.id);
    case 'getname':
      if (args.length !== 2) wrongArity();
      return bulk(ctx.client.name);
    case 'setname': {
      if (args.length !== 3) wrongArity();
      const name = checkName(args[2]!, 'Client names');
      ctx.client.name = name === '' ? null : name;
      return OK;
    }
    case 'setinfo': {
      if (args.length !== 4) wrongArity();
      if (isWord(args[2]!, 'LIB-NAME')) checkName(args[3]!, 'lib-name');
      else if (isWord(args[2]!, 'LIB-VER')) checkName(args[3]!, 'lib-ver');
      else throw new CommandError(`ERR Unrecognized option '${args[2]!.toString('latin1')}'`);
      return OK;
    }
    case 'info':
      if (args.length !== 2) wrongArity();
      return verbatim(
        `id=${ctx.client.id} name=${ctx.client.name ?? ''} db=0 resp=${ctx.client.writer.protocol}\n`,
      );
    case 'no-evict':
    case 'no-touch':
      if (args.length !== 3) wrongArity();
      if (!isWord(args[2]!, 'ON') && !isWord(args[2]!, 'OFF'))
        throw new CommandError(ERRORS.syntax);
      return OK;
    case 'help':
      return array(
        [
          'CLIENT <subcommand> [<arg> ...]. Subcommands are:',
          'ID',
          'GETNAME',
          'SETNAME <name>',
          'SETINFO <LIB-NAME|LIB-VER> <value>',
          'INFO',
          'NO-EVICT (ON|OFF)',
          'NO-TOUCH (ON|OFF)',
          'HELP',
        ].map(simple),
      );
    default:
      throw unknownSubcommand('client', args[1]!);
  }
}

/** One command's entry in `COMMAND`'s answer (Redis 7's ten fields). */
function commandInfo(spec: CommandSpec): Reply {
  return array([
    bulk(spec.name),
    integer(spec.arity),
    array(spec.flags.map(simple)),
    integer(spec.keys[0]),
    integer(spec.keys[1]),
    integer(spec.keys[2]),
    array([]),
    array([]),
    array([]),
    array([]),
  ]);
}

/** `COMMAND [COUNT | INFO name... | DOCS name... | LIST | HELP]`. */
function command(args: readonly Buffer[], ctx: CommandContext): Reply {
  const table = ctx.server.commands;
  if (args.length === 1) return array([...table.values()].map(commandInfo));
  const sub = lowerName(args[1]!);
  switch (sub) {
    case 'count':
      return integer(table.size);
    case 'info': {
      const names = args.length === 2 ? [...table.keys()] : args.slice(2).map(lowerName);
      return array(
        names.map((name) => {
          const spec = table.get(name);
          return spec === undefined ? bulk(null) : commandInfo(spec);
        }),
      );
    }
    case 'docs':
      return map([]);
    case 'list':
      return array([...table.keys()].map((name) => bulk(name)));
    case 'help':
      return array(['COMMAND [COUNT | INFO name... | DOCS name... | LIST | HELP]'].map(simple));
    default:
      throw unknownSubcommand('command', args[1]!);
  }
}

/** `CONFIG GET pattern...` over the settings Hermes has; `CONFIG SET` is refused. */
function config(args: readonly Buffer[], ctx: CommandContext): Reply {
  const sub = lowerName(args[1]!);
  if (sub === 'get') {
    if (args.length < 3)
      throw new CommandError("ERR wrong number of arguments for 'config|get' command");
    const found = new Map<string, string>();
    for (const pattern of args.slice(2)) {
      const match = compileGlob(Buffer.from(pattern.toString('latin1').toLowerCase(), 'latin1'));
      for (const [name, value] of ctx.server.config) {
        if (match(Buffer.from(name, 'latin1'))) found.set(name, value);
      }
    }
    return map([...found].map(([name, value]) => [name, bulk(value)] as const));
  }
  if (sub === 'set') {
    throw new CommandError(
      'ERR CONFIG SET is not supported by Hermes: restart the service with the flag instead',
    );
  }
  if (sub === 'resetstat') return OK;
  throw unknownSubcommand('config', args[1]!);
}

/** Waits `ms` (0: until the connection ends, as Redis's `WAIT`), on an unref'd timer. */
function waitFor(ms: number): Promise<void> {
  if (ms === 0) return new Promise(() => {});
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** `WAITAOF numlocal numreplicas timeout`: answers once every earlier write is fsynced. */
async function waitAof(args: readonly Buffer[], ctx: CommandContext): Promise<Reply> {
  const local = countArg(args[1]!);
  const replicas = countArg(args[2]!);
  const timeout = int64Arg(args[3]!);
  if (timeout < 0n) throw new CommandError('ERR timeout is negative');
  if (local > 1) throw new CommandError('ERR WAITAOF numlocal must be 0 or 1: Hermes has one log');
  await ctx.server.store.sync();
  // No replicas: wait the timeout out, as Redis does when too few of them acknowledge.
  if (replicas > 0) await waitFor(Number(timeout));
  return array([integer(1), integer(0)]);
}

/** `WAIT numreplicas timeout`: Hermes has no replicas, so 0 (after the timeout if any were asked for). */
async function wait(args: readonly Buffer[]): Promise<Reply> {
  const replicas = countArg(args[1]!);
  const timeout = int64Arg(args[2]!);
  if (timeout < 0n) throw new CommandError('ERR timeout is negative');
  if (replicas > 0) await waitFor(Number(timeout));
  return integer(0);
}

/** Connection, introspection and persistence commands. */
export const SERVER_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    keys: [0, 0, 0],
    inMulti: true,
    control: (args) => {
      if (args.length > 2)
        throw new CommandError("ERR wrong number of arguments for 'ping' command");
      return args.length === 2 ? bulk(args[1]!) : simple('PONG');
    },
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['fast'],
    keys: [0, 0, 0],
    inMulti: true,
    control: (args) => bulk(args[1]!),
  },
  { name: 'hello', arity: -1, flags: ['fast'], keys: [0, 0, 0], control: hello },
  {
    name: 'select',
    arity: 2,
    flags: ['fast'],
    keys: [0, 0, 0],
    inMulti: true,
    control: (args) => {
      if (int64Arg(args[1]!) !== 0n) throw new CommandError(ERRORS.dbOutOfRange);
      return OK;
    },
  },
  { name: 'quit', arity: -1, flags: ['fast'], keys: [0, 0, 0], connection: true },
  { name: 'client', arity: -2, flags: [], keys: [0, 0, 0], inMulti: true, control: client },
  { name: 'command', arity: -1, flags: [], keys: [0, 0, 0], inMulti: true, control: command },
  {
    name: 'info',
    arity: -1,
    flags: [],
    keys: [0, 0, 0],
    inMulti: true,
    control: (args, ctx) => verbatim(ctx.server.info(args.slice(1).map(lowerName))),
  },
  { name: 'config', arity: -2, flags: ['admin'], keys: [0, 0, 0], inMulti: true, control: config },
  {
    name: 'debug',
    arity: -2,
    flags: ['admin'],
    keys: [0, 0, 0],
    inMulti: true,
    control: () => {
      throw new CommandError('ERR DEBUG is not supported by Hermes');
    },
  },
  {
    name: 'function',
    arity: -2,
    flags: [],
    keys: [0, 0, 0],
    inMulti: true,
    control: (args) => {
      const sub = lowerName(args[1]!);
      if (sub === 'flush') {
        if (args.length > 3) {
          throw new CommandError(
            `ERR unknown subcommand or wrong number of arguments for '${args[1]!.toString('latin1')}'. Try FUNCTION HELP.`,
          );
        }
        if (args.length === 3 && !isWord(args[2]!, 'ASYNC') && !isWord(args[2]!, 'SYNC')) {
          throw new CommandError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
        }
        return OK; // There are no functions to flush.
      }
      if (sub === 'list') return array([]);
      throw unknownSubcommand('function', args[1]!);
    },
  },
  { name: 'waitaof', arity: 4, flags: [], keys: [0, 0, 0], control: waitAof },
  { name: 'wait', arity: 3, flags: [], keys: [0, 0, 0], control: wait },
];
