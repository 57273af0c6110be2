#!/usr/bin/env node
// The `hermes-wal` command. This file is committed (dist/ is built), so that installing the
// workspace can link the command before the build has run, without a warning.
import '../dist/cli.js';
