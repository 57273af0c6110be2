#!/usr/bin/env node
/**
 * The `hermes-wal` command (the package's `bin`): verify, dump and repair a Hermes log
 * directory. Running this file runs the command; import `runCli` from `./cli/main.js` instead.
 */
import { processIo } from './cli/io.js';
import { runCli } from './cli/main.js';

runCli(process.argv.slice(2), processIo()).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`hermes-wal: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
