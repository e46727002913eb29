/**
 * Fuzz target "cli": random argument vectors for the loopcam command line, run in-process through its
 * entry function. Outputs go to a temporary folder, devices named are ones that do not exist, URLs are on
 * 127.0.0.1 (nothing listens); a command still running after 2 s is stopped as Ctrl+C would, and must
 * then end. Exit status 0, 1 or 2 — never "internal error". (`bench` is left out: it runs for its time.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/cli.js';
import { check } from './outcome.js';
import type { Rng } from './rng.js';
import type { FuzzCase } from './target.js';

const COMMANDS = ['pattern', 'pattern', 'pattern', 'play', 'play', 'pipe', 'list', 'doctor', 'help', 'nonsense', '--help'];
const STOP_AFTER_MS = 2000;
const END_WITHIN_MS = 3000;

const VALUES: Record<string, (rng: Rng) => string> = {
  '--size': (rng) => rng.pick(['64x48', '63x48', '64x47', '2x2', '0x0', '1x1', '99999x99999', 'big', '64×48', '-64x48']),
  '--fps': (rng) => rng.pick(['30', '60', '0', '-1', '0.5', '1001', 'NaN', 'fast']),
  '--format': (rng) => rng.pick(['yuyv', 'uyvy', 'i420', 'yv12', 'nv12', 'rgb24', 'bgr24', 'gray', 'mjpeg', '']),
  '--input': (rng) => rng.pick(['rgba', 'bgra', 'rgb24', 'gray', 'yuyv', 'nv12', 'cmyk']),
  '--matrix': (rng) => rng.pick(['bt601', 'bt709', 'bt2020']),
  '--range': (rng) => rng.pick(['limited', 'full', 'half']),
  '--frames': (rng) => rng.pick(['1', '3', '10', '0', '-1', 'x']),
  '--pattern': (rng) => rng.pick(['bars', 'gradient', 'moving', 'plaid']),
  '--fit': (rng) => rng.pick(['contain', 'cover', 'stretch', 'zoom']),
  '--duration': (rng) => rng.pick(['0.05', '1', '0', '-2', 'x']),
  '--device': (rng) => rng.pick(['/nonexistent/video99', '99', 'no-such-label', '']),
  '--label': (rng) => rng.pick(['cam', '']),
};
/** Values the CLI takes, for the cases meant to stream. */
const GOOD: Record<string, (rng: Rng) => string> = {
  '--size': (rng) => rng.pick(['64x48', '32x24', '2x2', '130x66']),
  '--fps': (rng) => rng.pick(['30', '60', '5', '29.97']),
  '--format': (rng) => rng.pick(['yuyv', 'uyvy', 'i420', 'yv12', 'nv12', 'rgb24', 'bgr24', 'gray']),
  '--matrix': (rng) => rng.pick(['bt601', 'bt709']),
  '--range': (rng) => rng.pick(['limited', 'full']),
  '--pattern': (rng) => rng.pick(['bars', 'gradient', 'moving']),
  '--fit': (rng) => rng.pick(['contain', 'cover', 'stretch']),
  '--duration': (rng) => rng.pick(['0.05', '1']),
};
const FLAGS = ['--loop', '--no-loop', '--live', '--no-live', '--exit-at-end', '--json', '--help', '--debug', '--bogus', '-x'];

/** How many cases ended with each exit status (the harness prints them). */
export const exitStatuses = new Map<number, number>();

export function cliCase(rng: Rng, dir: string, index: number): FuzzCase {
  // Half the cases are command lines a user would type, so they stream (until --frames or the stop);
  // the rest mix in wrong values, unknown flags and wrong commands.
  const valid = rng.chance(0.5);
  const command = valid ? rng.pick(['pattern', 'pattern', 'play', 'play', 'pipe']) : rng.pick(COMMANDS);
  const argv = [command];
  for (let n = rng.range(0, valid ? 3 : 5); n > 0; n--) {
    if (valid) {
      const flag = rng.pick(Object.keys(GOOD));
      if (!argv.includes(flag)) argv.push(flag, GOOD[flag]!(rng));
    } else if (rng.chance(0.7)) {
      const flag = rng.pick(Object.keys(VALUES));
      argv.push(flag);
      if (rng.chance(0.95)) argv.push(VALUES[flag]!(rng));
    } else argv.push(rng.pick(FLAGS));
  }
  const lavfi = command === 'play' && valid && rng.chance(0.4); // else an image
  if (command === 'play' && valid && !lavfi) argv.push(join(dir, 'image.png'));
  else if (command === 'play' && !valid) {
    for (let n = rng.range(0, 2); n > 0; n--) {
      argv.push(rng.pick([join(dir, 'image.png'), join(dir, 'broken.png'), join(dir, 'missing.jpg'), dir, join(dir, 'notes.txt'), 'http://127.0.0.1:9/live.ts', 'rtsp://127.0.0.1:9/cam']));
    }
  }
  const streams = command === 'pattern' || command === 'play' || command === 'pipe';
  if (streams && valid) argv.push('--output', rng.chance(0.8) ? join(dir, `cli-${index}.y4m`) : '/dev/null');
  else if (streams && rng.chance(0.9)) argv.push('--output', rng.pick([join(dir, `cli-${index}.y4m`), join(dir, 'no-such-dir', 'a.y4m'), dir]));
  else if (streams && !argv.includes('--device')) argv.push('--device', '/nonexistent/video99');
  // Most streams end by --frames; the rest run until the stop after 2 s.
  if (streams && !argv.includes('--frames') && rng.chance(valid ? 0.9 : 0.7)) argv.push('--frames', String(rng.range(1, 8)));
  // ffmpeg input options after --: a whole input of its own (lavfi makes frames with no file or network),
  // options for the input named before, or nonsense ffmpeg refuses.
  if (lavfi) {
    argv.push('--', '-f', 'lavfi', '-i', `testsrc=size=${rng.pick(['32x24', '64x48'])}:rate=${rng.pick(['5', '30'])}`);
  } else if (command === 'play' && !valid && rng.chance(0.4)) {
    argv.push('--', ...rng.pick([
      ['-f', 'lavfi', '-i', `testsrc=size=${rng.pick(['32x24', '64x48', '1x1'])}:rate=${rng.pick(['5', '30'])}`],
      ['-f', 'lavfi', '-i', 'color=c=red:size=16x16', '-t', '0.2'],
      ['-f', 'lavfi', '-i', 'nullsrc=size=0x0'],
      ['-re'], ['-stream_loop', '-1'], ['-f', 'image2'], ['-f', 'no-such-format'], ['-i'], ['-bogus-option', '1'], [],
    ]));
  }
  return {
    describe: `loopcam ${argv.map((a) => (/^[\w./:×=-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`,
    small: false, // a stream runs until stopped (2 s); its bound is stopping within 3 s after
    async run() {
      const said: string[] = [];
      const { log, error } = console;
      console.log = () => {};
      console.error = (...parts: unknown[]) => void said.push(parts.join(' '));
      let stopper: NodeJS.Timeout | undefined;
      let status: number;
      try {
        stopper = setTimeout(() => process.emit('SIGINT'), STOP_AFTER_MS);
        let late: NodeJS.Timeout | undefined;
        const hung = new Promise<never>((_, reject) => (late = setTimeout(() => reject(new Error(`still running ${END_WITHIN_MS} ms after being stopped`)), STOP_AFTER_MS + END_WITHIN_MS)));
        try {
          status = await Promise.race([main(argv), hung]);
        } finally {
          clearTimeout(late);
        }
      } finally {
        clearTimeout(stopper);
        console.log = log;
        console.error = error;
      }
      exitStatuses.set(status, (exitStatuses.get(status) ?? 0) + 1);
      const output = said.join('\n');
      check(!/internal error/.test(output), `reported a bug: ${output}`);
      check(status === 0 || status === 1 || status === 2, `exit status ${status}`);
      if (!argv.includes('--debug')) check(!/^\s+at /m.test(output), `printed a stack trace: ${output}`);
    },
  };
}

/** Files the play cases name. */
export function cliFixtures(dir: string, png: Buffer): void {
  writeFileSync(join(dir, 'image.png'), png);
  writeFileSync(join(dir, 'broken.png'), png.subarray(0, 40));
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
}
