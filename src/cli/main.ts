#!/usr/bin/env node
/** The loopcam command line: a thin layer over the public API. Exit codes: 0 ok, 1 runtime error, 2 usage. */
import { LoopcamError } from '../errors.js';
import { COMMANDS } from './commands.js';
import { UsageError } from './options.js';

const USAGE = `Usage: loopcam <command> [options]

Feed a Linux v4l2loopback virtual camera: apps (Zoom, Chrome, OBS, ffmpeg) see a webcam.

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`).join('\n')}

Run loopcam <command> --help for its options and examples.
Without a camera: loopcam pattern --frames 150 --output pattern.y4m, then ffplay pattern.y4m.`;

export async function main(argv: string[]): Promise<number> {
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
    if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) {
      console.error(`loopcam ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof LoopcamError) {
      const hint = error.code === 'NO_DEVICE' ? '\nOr write to a file instead of a camera: --output pattern.y4m (or --output - for raw frames).' : '';
      console.error(`loopcam ${name}: ${error.message}${hint}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
