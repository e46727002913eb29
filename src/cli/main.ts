#!/usr/bin/env node
/** The `loopcam` executable: runs the command line (cli.ts) on this process's arguments. */
import { main } from './cli.js';

// A reader of stdout that goes away (`loopcam list | head -1`) ends the output, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
