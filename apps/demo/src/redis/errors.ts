import { CLOSED_CODES, isCode, LOG_FAILED_CODES } from '../error-codes.js';
import { replicaFailure } from '../replica-errors.js';
import { answerCodeOf } from '../store-errors.js';

/**
 * A command's refusal, thrown inside a command and answered as an error reply with `message`
 * (which starts with the Redis error code, like `ERR` or `WRONGTYPE`). Only for the client's
 * mistakes: the connection stays usable.
 */
export class CommandError extends Error {
  /** How the reply sends `message`: `'latin1'` when it echoes the client's bytes. */
  readonly encoding: 'utf8' | 'latin1';

  constructor(message: string, encoding: 'utf8' | 'latin1' = 'utf8') {
    super(message);
    this.name = 'CommandError';
    this.encoding = encoding;
  }
}

/** Redis's texts for the errors Hermes answers as Redis does. */
export const ERRORS = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  overflow: 'ERR increment or decrement would overflow',
  decrementOverflow: 'ERR decrement would overflow',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  nestedMulti: 'ERR MULTI calls can not be nested',
  watchInMulti: 'ERR WATCH inside MULTI is not allowed',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authWithoutPassword:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  dbOutOfRange: 'ERR DB index is out of range',
  noProto: 'NOPROTO unsupported protocol version',
  invalidCursor: 'ERR invalid cursor',
  tooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  expiry:
    'ERR Hermes does not support key expiry (EX, PX, EXAT, PXAT, KEEPTTL): store the key without it',
} as const;

/** `ERR wrong number of arguments for '<name>' command`. */
export function arityError(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

/**
 * Redis's answer to an unknown command: its name and the start of its arguments, quoted (as
 * latin1 text: send it with `errorReply(text, 'latin1')` so the bytes go back as they came).
 */
export function unknownCommandError(args: readonly Buffer[]): string {
  let shown = '';
  for (let i = 1; i < args.length && shown.length < 128; i++) {
    shown += `'${args[i]!.toString('latin1').slice(0, 128 - shown.length)}' `;
  }
  return `ERR unknown command '${args[0]!.toString('latin1').slice(0, 128)}', with args beginning with: ${shown}`;
}

/** Redis's answer to an unknown subcommand of `command` (e.g. `CLIENT`), echoing its bytes. */
export function unknownSubcommand(command: string, sub: Buffer): CommandError {
  return new CommandError(
    `ERR unknown subcommand '${sub.toString('latin1').slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`,
    'latin1',
  );
}

/**
 * The error reply's text for what a command threw or rejected with: a `CommandError` is its
 * message; for a write the store rejected, a failed log is Redis's `MISCONF Errors
 * writing to the AOF file` (reads still work), a closed store says the service is stopping, a
 * full store is `OOM`; on a replicated log, a write the cluster did not acknowledge is
 * `CLUSTERDOWN` (its outcome unknown), a conditional one that kept losing to other replicas
 * `TRYAGAIN` (nothing written), a record over the cluster's `max_payload` `ERR`; input the store
 * refused (`StoreError` `STORE_INVALID_*`, the log codec's limits included) is `ERR` with the
 * store's message. Anything else is unexpected: it is logged and answered as `ERR`.
 */
export function errorTextOf(
  error: unknown,
  health: { ok: true } | { ok: false; code: string; message: string },
): string {
  if (error instanceof CommandError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if ((typeof code === 'string' && LOG_FAILED_CODES.has(code)) || !health.ok) {
    const reason = health.ok ? message : `${health.code}: ${health.message}`;
    return `MISCONF Errors writing to the AOF file: ${reason}`;
  }
  if (typeof code === 'string' && CLOSED_CODES.has(code)) {
    return 'ERR Hermes is shutting down: reconnect and retry';
  }
  if (isCode(code, 'STORE_FULL')) return `OOM ${message}`;
  switch (replicaFailure(error)) {
    case 'unacknowledged':
      return `CLUSTERDOWN the NATS cluster did not acknowledge the write: ${message} Its outcome is unknown: read the key back before retrying.`;
    case 'conflict':
      return `TRYAGAIN ${message}`;
    case 'too-large':
      return `ERR ${message}`;
  }
  if (typeof code === 'string' && code.startsWith('STORE_INVALID_')) {
    if (isCode(answerCodeOf(error), 'RECORD_BATCH_TOO_LARGE')) {
      return `ERR the command or transaction writes more than one log record may hold (${message}): split it`;
    }
    return `ERR ${message}`;
  }
  if (isCode(code, 'RECORD_BATCH_TOO_LARGE')) {
    return `ERR the command or transaction writes more than one log record may hold (${message}): split it`;
  }
  console.error('hermes: unexpected error in a Redis command', error);
  return `ERR unexpected error (${typeof code === 'string' ? code : 'no code'}): the server log has the details`;
}
