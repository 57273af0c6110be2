import type { Socket } from 'node:net';
import { tokenMatches } from '../auth.js';
import { ReplyWriter, RequestParser, type RespLimits, RespProtocolError } from '../resp/index.js';
import { isWord, keyOf, lowerName } from './args.js';
import {
  type ClientState,
  type CommandContext,
  type CommandSpec,
  keyArgs,
  type ServerContext,
  writes,
} from './command.js';
import { arityError, CommandError, ERRORS, errorTextOf, unknownCommandError } from './errors.js';
import { Keyspace } from './keyspace.js';
import { array, errorReply, NULL_ARRAY, OK, QUEUED, type Reply } from './reply.js';
import type { Watcher } from './watch.js';

/** A reply not yet sent: computed (`reply`), being computed (a promise), or to run in turn (`run`). */
interface Slot {
  reply: Reply | undefined;
  run: (() => Reply | Promise<Reply>) | undefined;
}

/** Commands run even inside `MULTI` (the rest are queued). */
const TRANSACTION_CONTROL = new Set(['multi', 'exec', 'discard', 'watch', 'quit']);
/** Replies waiting past which the connection stops reading until they are sent. */
const MAX_PENDING = 1024;

/**
 * One client connection: reads commands, runs them, and answers in order.
 *
 * Order: Redis runs a connection's commands one after another. Here a write is dispatched to the
 * store as soon as it is read (the store takes its key locks at the call, in call order, so
 * pipelined writes share an fsync), and its reply waits for durability. Any other command runs
 * once every earlier command of the connection has finished, so it sees their effects (a `GET`
 * after a pipelined `SET` returns what was set); once such a command waits, every later one
 * waits behind it too. Replies are written in command order, once per batch.
 */
export class RespConnection implements ClientState {
  readonly id: number;
  name: string | null = null;
  readonly writer: ReplyWriter = new ReplyWriter();
  readonly #socket: Socket;
  readonly #server: ServerContext;
  readonly #parser: RequestParser;
  readonly #ctx: CommandContext;
  readonly #queue: Slot[] = [];
  #head = 0;
  /** Slots whose command has not run yet. */
  #unrun = 0;
  #multi: { commands: [CommandSpec, Buffer[]][]; failed: boolean } | undefined;
  readonly #watcher: Watcher = { dirty: false, keys: new Set() };
  #quitting = false;
  #closed = false;
  /** Whether the client may run commands: at once without a token, after `AUTH` with one. */
  #authenticated: boolean;
  #flushScheduled = false;
  #paused = false;
  /** Resolves once every reply is sent after `drain()` (for a graceful close). */
  #drained: (() => void) | undefined;

  constructor(socket: Socket, server: ServerContext, id: number, limits: Partial<RespLimits>) {
    this.id = id;
    this.#socket = socket;
    this.#server = server;
    this.#parser = new RequestParser(limits);
    this.#ctx = { server, client: this };
    this.#authenticated = server.authToken === undefined;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => this.#resumeIfRoom());
    socket.on('error', () => {});
    socket.once('close', () => this.#onClose());
  }

  /**
   * Stops after the replies so far: `QUIT`, a protocol error, or the server closing. Bytes that
   * arrive later are read and dropped, not left unread: a paused socket would never see the
   * client close, and the connection would stay open for good.
   */
  quit(): void {
    this.#quitting = true;
    if (this.#paused) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  /** Quits, and resolves once the replies of the commands already read are sent. */
  drain(): Promise<void> {
    this.quit();
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
      this.#flush();
    });
  }

  /** Closes the socket at once. */
  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#quitting) return;
    this.#parser.push(chunk);
    for (;;) {
      let args: Buffer[] | undefined;
      try {
        args = this.#parser.next();
      } catch (error) {
        if (!(error instanceof RespProtocolError)) throw error;
        // As Redis: answer the protocol error, then close.
        this.#answer(errorReply(error.message, 'latin1'));
        this.quit();
        break;
      }
      if (args === undefined) break;
      this.#command(args);
      if (this.#quitting) break;
    }
    this.#flush();
    if (
      !this.#quitting &&
      (this.#queue.length - this.#head > MAX_PENDING || this.#socket.writableNeedDrain)
    ) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #command(args: Buffer[]): void {
    this.#server.counters.commands++;
    const name = lowerName(args[0]!);
    const spec = this.#server.commands.get(name);
    // Authentication changes as commands are read, so a command pipelined after AUTH runs.
    if (name === 'auth' || name === 'hello') {
      const refusal = this.#authenticate(name, args);
      if (refusal !== undefined) {
        this.#answer(errorReply(refusal));
        return;
      }
      if (name === 'auth') {
        this.#answer(OK);
        return;
      }
    }
    if (!this.#authenticated && name !== 'quit') {
      this.#answer(errorReply(ERRORS.noAuth));
      return;
    }
    if (this.#multi !== undefined && !TRANSACTION_CONTROL.has(name)) {
      this.#queueInMulti(spec, name, args);
      return;
    }
    if (spec === undefined) {
      this.#answer(errorReply(unknownCommandError(args), 'latin1'));
      return;
    }
    if (!arityFits(spec, args.length)) {
      this.#answer(errorReply(arityError(name)));
      return;
    }
    // Whether later commands are queued is decided as commands are read: so MULTI, EXEC and
    // DISCARD change the transaction state here, in order, and what runs later is captured.
    let run: () => Reply | Promise<Reply>;
    switch (name) {
      case 'multi':
        if (this.#multi !== undefined) this.#answer(errorReply(ERRORS.nestedMulti));
        else {
          this.#multi = { commands: [], failed: false };
          this.#answer(OK);
        }
        return;
      case 'exec': {
        const multi = this.#multi;
        if (multi === undefined) {
          this.#answer(errorReply(ERRORS.execWithoutMulti));
          return;
        }
        this.#multi = undefined;
        run = () => this.#exec(multi);
        break;
      }
      case 'discard':
        if (this.#multi === undefined) {
          this.#answer(errorReply(ERRORS.discardWithoutMulti));
          return;
        }
        this.#multi = undefined;
        run = () => this.#unwatch();
        break;
      case 'watch':
        if (this.#multi !== undefined) {
          this.#answer(errorReply(ERRORS.watchInMulti));
          return;
        }
        run = () => this.#watch(args);
        break;
      case 'unwatch':
        run = () => this.#unwatch();
        break;
      case 'quit':
        // Nothing read after QUIT runs; its OK goes out after the replies before it.
        this.#answer(OK);
        this.quit();
        return;
      default:
        run = () => this.#run(spec, args);
    }
    // A write takes its locks when called, so it may start while earlier writes are pending;
    // anything else waits for the commands before it.
    const mayStart = this.#unrun === 0 && (writes(spec) || this.#head === this.#queue.length);
    if (mayStart) this.#settle(run());
    else {
      this.#queue.push({ reply: undefined, run });
      this.#unrun++;
    }
  }

  /** Runs a command of the table (outside a transaction); never throws: a refusal is an error reply. */
  #run(spec: CommandSpec, args: Buffer[]): Reply | Promise<Reply> {
    try {
      if (spec.control !== undefined) return spec.control(args, this.#ctx);
      const store = this.#server.store;
      if (!writes(spec)) {
        return spec.data!(
          new Keyspace((key) => store.get(key), store, this.#server.limits),
          args,
          this.#ctx,
        );
      }
      const fast = spec.fast?.(args, this.#ctx);
      if (fast !== undefined) return fast;
      const keys = [...new Set(keyArgs(spec, args).map(keyOf))];
      return store.update(keys, (read) => {
        const ks = new Keyspace(read, store, this.#server.limits);
        const reply = spec.data!(ks, args, this.#ctx);
        return { ops: ks.ops, result: reply };
      });
    } catch (error) {
      return this.#errorReply(error);
    }
  }

  /**
   * Checks `AUTH [username] password` or the `AUTH username password` option of `HELLO`, as
   * Redis's default user does: the username must be `default` and the password the service's
   * token (compared in constant time). Returns the refusal's text, or `undefined` once
   * authenticated (or for a `HELLO` without `AUTH` on an authenticated connection).
   */
  #authenticate(name: string, args: Buffer[]): string | undefined {
    const token = this.#server.authToken;
    let user: Buffer | undefined;
    let password: Buffer | undefined;
    if (name === 'auth') {
      if (args.length < 2) return arityError('auth');
      if (args.length > 3) return ERRORS.syntax;
      if (token === undefined && args.length === 2) return ERRORS.authWithoutPassword;
      [user, password] = args.length === 3 ? [args[1], args[2]] : [undefined, args[1]];
    } else {
      for (let i = 2; i + 2 < args.length; i++) {
        if (isWord(args[i]!, 'AUTH')) [user, password] = [args[i + 1], args[i + 2]];
      }
      if (password === undefined) return this.#authenticated ? undefined : ERRORS.helloNoAuth;
    }
    const userOk = user === undefined || user.toString('latin1') === 'default';
    if (!userOk || (token !== undefined && !tokenMatches(password!, token))) {
      return ERRORS.wrongPass;
    }
    this.#authenticated = true;
    return undefined;
  }

  /** Queues a command inside `MULTI` after Redis's queue-time checks (a failed one aborts `EXEC`). */
  #queueInMulti(spec: CommandSpec | undefined, name: string, args: Buffer[]): void {
    const multi = this.#multi!;
    let refusal: string | undefined;
    if (spec === undefined) refusal = unknownCommandError(args);
    else if (!arityFits(spec, args.length)) refusal = arityError(name);
    else if (spec.control !== undefined && spec.inMulti !== true) {
      refusal = 'ERR Command not allowed inside a transaction';
    }
    if (refusal !== undefined) {
      multi.failed = true;
      this.#answer(errorReply(refusal, 'latin1'));
      return;
    }
    multi.commands.push([spec!, args]);
    this.#answer(QUEUED);
  }

  /** Runs a transaction read by `MULTI` ... `EXEC`, once the commands before it have finished. */
  #exec(multi: { commands: [CommandSpec, Buffer[]][]; failed: boolean }): Reply | Promise<Reply> {
    const watches = this.#server.watches;
    if (multi.failed || this.#watcher.dirty) {
      watches.unwatch(this.#watcher);
      return multi.failed ? errorReply(ERRORS.execAbort) : NULL_ARRAY;
    }
    const store = this.#server.store;
    const keys = new Set(this.#watcher.keys);
    for (const [spec, args] of multi.commands) {
      for (const arg of keyArgs(spec, args)) keys.add(keyOf(arg));
    }
    return store
      .update([...keys], (read) => {
        // Holding every watched key: a write to one has been told already, or comes after.
        if (this.#watcher.dirty) return { ops: [], result: NULL_ARRAY };
        const ks = new Keyspace(read, store, this.#server.limits);
        const replies = multi.commands.map(([spec, args]) => this.#runQueued(spec, args, ks));
        return { ops: ks.ops, result: array(replies) };
      })
      .finally(() => watches.unwatch(this.#watcher));
  }

  /** Runs one queued command inside `EXEC`, against the transaction's keyspace view. */
  #runQueued(spec: CommandSpec, args: Buffer[], ks: Keyspace): Reply {
    try {
      if (spec.name === 'unwatch') return OK;
      if (spec.data !== undefined) {
        const before = ks.ops.length;
        try {
          return spec.data(ks, args, this.#ctx);
        } catch (error) {
          ks.ops.length = before;
          throw error;
        }
      }
      const reply = spec.control!(args, this.#ctx);
      if (reply instanceof Promise) {
        throw new CommandError('ERR Command not allowed inside a transaction');
      }
      return reply;
    } catch (error) {
      return this.#errorReply(error);
    }
  }

  #unwatch(): Reply {
    this.#server.watches.unwatch(this.#watcher);
    return OK;
  }

  #watch(args: Buffer[]): Reply {
    for (let i = 1; i < args.length; i++)
      this.#server.watches.watch(this.#watcher, keyOf(args[i]!));
    return OK;
  }

  /** The error reply for what a command threw or rejected with. */
  #errorReply(error: unknown): Reply {
    const encoding = error instanceof CommandError ? error.encoding : 'utf8';
    return errorReply(errorTextOf(error, this.#server.store.health()), encoding);
  }

  /** A reply available now: encoded at once when nothing is ahead of it. */
  #answer(reply: Reply): void {
    if (this.#head === this.#queue.length) reply(this.writer);
    else this.#queue.push({ reply, run: undefined });
  }

  #settle(result: Reply | Promise<Reply>): void {
    if (typeof result === 'function') {
      this.#answer(result);
      return;
    }
    const slot: Slot = { reply: undefined, run: undefined };
    this.#queue.push(slot);
    this.#await(slot, result);
  }

  #await(slot: Slot, promise: Promise<Reply>): void {
    promise.then(
      (reply) => {
        slot.reply = reply;
        this.#scheduleFlush();
      },
      (error: unknown) => {
        slot.reply = this.#errorReply(error);
        this.#scheduleFlush();
      },
    );
  }

  /** Flushes once, after every reply settled in this tick (a group commit settles many). */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    process.nextTick(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /** Encodes the replies that are ready, in order, running waiting commands as their turn comes; sends them. */
  #flush(): void {
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const slot = queue[this.#head]!;
      if (slot.reply === undefined) {
        const run = slot.run;
        if (run === undefined) break;
        slot.run = undefined;
        this.#unrun--;
        const result = run();
        if (typeof result !== 'function') {
          this.#await(slot, result);
          break;
        }
        slot.reply = result;
      }
      slot.reply(this.writer);
      this.#head++;
    }
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head > MAX_PENDING) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#closed) return;
    if (this.writer.pendingBytes > 0) this.#socket.write(this.writer.take());
    if (this.#quitting && queue.length === 0) {
      this.#socket.end();
      this.#drained?.();
    }
    this.#resumeIfRoom();
  }

  #resumeIfRoom(): void {
    if (!this.#paused || this.#quitting || this.#closed) return;
    if (this.#queue.length - this.#head > MAX_PENDING / 2 || this.#socket.writableNeedDrain) return;
    this.#paused = false;
    this.#socket.resume();
  }

  #onClose(): void {
    this.#closed = true;
    this.#multi = undefined;
    this.#server.watches.unwatch(this.#watcher);
    this.#drained?.();
  }
}

/** Whether `count` arguments (the name included) fit a command's arity. */
function arityFits(spec: CommandSpec, count: number): boolean {
  return spec.arity >= 0 ? count === spec.arity : count >= -spec.arity;
}
