import type { DurableStore } from '@hermes/wal-store';
import type { ReplyWriter } from '../resp/index.js';
import type { Keyspace, KeyspaceLimits } from './keyspace.js';
import type { Reply } from './reply.js';
import type { WatchRegistry } from './watch.js';

/** What a connection shows its commands. */
export interface ClientState {
  /** The id `CLIENT ID` answers, unique in this process. */
  readonly id: number;
  /** The name set by `CLIENT SETNAME` or `HELLO ... SETNAME`, or `null`. */
  name: string | null;
  /** The connection's reply writer (its `protocol` is 2, or 3 after `HELLO 3`). */
  readonly writer: ReplyWriter;
}

/** What the whole server shows its commands. */
export interface ServerContext {
  readonly store: DurableStore;
  readonly limits: KeyspaceLimits;
  /** The token `AUTH` (or `HELLO ... AUTH`) must give before any other command, if any. */
  readonly authToken: string | undefined;
  /** Most keys `KEYS` answers before it refuses (use `SCAN`). */
  readonly maxKeysReply: number;
  /** Redis settings `CONFIG GET` answers, by name. */
  readonly config: ReadonlyMap<string, string>;
  readonly watches: WatchRegistry;
  /** Every command, by lower-case name (for `COMMAND`). */
  readonly commands: ReadonlyMap<string, CommandSpec>;
  /** Counted as they happen, for `INFO stats`. */
  readonly counters: { commands: number; connections: number };
  /** The `INFO` text of the named sections (lower case; empty: the default ones). */
  info(sections: readonly string[]): string;
}

/** A command's view of where it runs. */
export interface CommandContext {
  readonly server: ServerContext;
  readonly client: ClientState;
}

/**
 * One command of the table: its Redis metadata (for arity checks and `COMMAND`) and how it runs.
 * A command has exactly one of `data`, `control` and `connection`.
 */
export interface CommandSpec {
  /** Lower-case name. */
  readonly name: string;
  /** Redis's arity: `n` exactly n arguments (the name included), `-n` at least n. */
  readonly arity: number;
  /** Redis's flags, as `COMMAND` lists them (`write`, `readonly`, `fast`, ...). */
  readonly flags: readonly string[];
  /** Where the keys are among the arguments: first, last (negative counts from the end), step. */
  readonly keys: readonly [first: number, last: number, step: number];
  /**
   * Runs against a keyspace view, synchronously: reads see the view, writes are recorded in it.
   * Outside a transaction a writing command's view is logged as one record by `update`; inside
   * `EXEC` every command shares one view. Throws `CommandError` for the client's mistakes.
   */
  readonly data?: (ks: Keyspace, args: readonly Buffer[], ctx: CommandContext) => Reply;
  /**
   * A faster way to run a writing command outside a transaction (a plain `SET` through the
   * store's shared-lock path, so concurrent writers share an fsync); `undefined` falls back to
   * `data`.
   */
  readonly fast?: (args: readonly Buffer[], ctx: CommandContext) => Promise<Reply> | undefined;
  /** Runs with the connection and the server (may be asynchronous): connection and admin commands. */
  readonly control?: (args: readonly Buffer[], ctx: CommandContext) => Reply | Promise<Reply>;
  /** Whether it may be queued inside `MULTI` (true for `data` commands; `control` ones say). */
  readonly inMulti?: boolean;
  /** Run by the connection itself, which holds the transaction state (`MULTI`, `EXEC`, `WATCH`, ...). */
  readonly connection?: true;
}

/** Whether a data command writes (then it runs inside `update`). */
export function writes(spec: CommandSpec): boolean {
  return spec.flags.includes('write');
}

/** The key arguments of a command, by its key positions. */
export function keyArgs(spec: CommandSpec, args: readonly Buffer[]): Buffer[] {
  const [first, last, step] = spec.keys;
  if (first === 0) return [];
  const end = last < 0 ? args.length + last : Math.min(last, args.length - 1);
  const out: Buffer[] = [];
  for (let i = first; i <= end; i += step) out.push(args[i]!);
  return out;
}
