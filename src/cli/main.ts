#!/usr/bin/env node
/**
 * The `loopcam` executable: runs the command line (cli.ts) on this process's arguments. `npm run build`
 * bundles it with everything it imports into build/src/cli/bundle.cjs, which the installed `loopcam`
 * (loopcam.cts) runs: one CommonJS file starts ≈ 25 ms sooner than some fifty ES modules.
 */
import { main } from './cli.js';

// A reader of stdout that goes away (`loopcam list | head -1`) ends the output, quietly. The handler
// comes with process.stdout, which Node makes on first use: a stream of raw frames writes fd 1 itself
// and never makes it (making it costs ≈ 3 ms, and turns a pipe non-blocking).
const made = Object.getOwnPropertyDescriptor(process, 'stdout');
if (made?.get && made.configurable) {
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: made.enumerable ?? true,
    get() {
      Object.defineProperty(process, 'stdout', made);
      return quietOnEpipe(process.stdout);
    },
  });
} else quietOnEpipe(process.stdout);

function quietOnEpipe(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  return stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
