import type { CommandSpec } from '../command.js';
import { KEY_COMMANDS } from './keys.js';
import { SERVER_COMMANDS } from './server.js';
import { STRING_COMMANDS } from './strings.js';
import { TRANSACTION_COMMANDS } from './transactions.js';

/** Every command the Redis front answers, by lower-case name. */
export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  [...STRING_COMMANDS, ...KEY_COMMANDS, ...TRANSACTION_COMMANDS, ...SERVER_COMMANDS].map((spec) => [
    spec.name,
    spec,
  ]),
);
