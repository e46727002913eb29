/**
 * The loopcam command line as a function (main.ts runs it; tests and the fuzz harness call it in-process):
 * a thin layer over the public API. Exit codes: 0 ok, 1 runtime error or bug, 2 usage.
 */
import { isUsageError, LoopcamError } from '../errors.js';
import { COMMANDS } from './commands.js';
import { UsageError } from './options.js';

const USAGE = `Usage: loopcam <command> [options]

Feed a Linux v4l2loopback virtual camera: apps (Zoom, Chrome, OBS, ffmpeg) see a webcam.

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`).join('\n')}

Run loopcam <command> --help for its options and examples; --debug (or LOOPCAM_DEBUG=1) shows where an
unexpected error came from.
Without a camera: loopcam pattern --frames 150 --output pattern.y4m, then ffplay pattern.y4m.`;

/** `--debug` anywhere before `--` (or LOOPCAM_DEBUG=1): an unexpected error shows its stack. */
function takeDebug(argv: string[]): { argv: string[]; debug: boolean } {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const debug = argv.slice(0, end).includes('--debug') || process.env.LOOPCAM_DEBUG === '1';
  return { argv: [...argv.slice(0, end).filter((a) => a !== '--debug'), ...argv.slice(end)], debug };
}

export async function main(args: string[]): Promise<number> {
  const { argv, debug } = takeDebug(args);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`loopcam: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || isUsageError(error)) {
      console.error(`loopcam ${name}: ${(error as Error).message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof LoopcamError) {
      // The reader of stdout went away (`| head`): that ends the stream, it is not a failure.
      if (error.code === 'PIPE_CLOSED') return 0;
      const hint = error.code === 'NO_DEVICE' ? '\nOr write to a file instead of a camera: --output pattern.y4m (or --output - for raw frames).' : '';
      console.error(`loopcam ${name}: ${error.message}${hint}`);
      if (debug && error.stack) console.error(error.stack);
      return 1;
    }
    // Anything else is loopcam's fault, not the user's: say so in one line (the stack with --debug).
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(`loopcam ${name}: internal error — a bug in loopcam, please report it: ${what}` +
      (debug ? `\n${(error as Error)?.stack ?? ''}` : '\n(run again with --debug or LOOPCAM_DEBUG=1 to see where)'));
    return 1;
  }
}
