#!/usr/bin/env node
/**
 * The `hermes-wal` command (the package's `bin`): verify, dump and repair a Hermes log
 * directory. Running this file runs the command; import `runCli` from `./cli/main.js` instead.
 */
import { processIo } from './cli/io.js';
import { runCli } from './cli/main.js';

// A reader that goes away (`hermes-wal dump <dir> | head`) is normal: stop quietly, as the
// tools a pipe usually holds do, instead of dying with an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runCli(process.argv.slice(2), processIo()).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`hermes-wal: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
