import type { CommandSpec } from '../command.js';

/**
 * `MULTI`, `EXEC`, `DISCARD`, `WATCH`, `UNWATCH` and `AUTH`: run by the connection, which holds
 * their state (the transaction, the watched keys, whether the client has authenticated).
 */
export const TRANSACTION_COMMANDS: readonly CommandSpec[] = [
  { name: 'multi', arity: 1, flags: ['fast'], keys: [0, 0, 0], connection: true },
  { name: 'exec', arity: 1, flags: [], keys: [0, 0, 0], connection: true },
  { name: 'discard', arity: 1, flags: ['fast'], keys: [0, 0, 0], connection: true },
  { name: 'watch', arity: -2, flags: ['fast'], keys: [1, -1, 1], connection: true },
  { name: 'unwatch', arity: 1, flags: ['fast'], keys: [0, 0, 0], connection: true },
  { name: 'auth', arity: -2, flags: ['fast', 'no-auth'], keys: [0, 0, 0], connection: true },
];
