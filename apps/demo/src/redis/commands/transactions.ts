import type { CommandSpec } from '../command.js';

/** `MULTI`, `EXEC`, `DISCARD`, `WATCH`, `UNWATCH`: run by the connection, which holds their state. */
export const TRANSACTION_COMMANDS: readonly CommandSpec[] = [
  { name: 'multi', arity: 1, flags: ['fast'], keys: [0, 0, 0], connection: true },
  { name: 'exec', arity: 1, flags: [], keys: [0, 0, 0], connection: true },
  { name: 'discard', arity: 1, flags: ['fast'], keys: [0, 0, 0], connection: true },
  { name: 'watch', arity: -2, flags: ['fast'], keys: [1, -1, 1], connection: true },
  { name: 'unwatch', arity: 1, flags: ['fast'], keys: [0, 0, 0], connection: true },
];
