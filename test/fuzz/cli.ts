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
const FLAGS = ['--loop', '--no-loop', '--live', '--no-live', '--exit-at-end', '--json', '--help', '--debug', '--bogus', '-x'];

export function cliCase(rng: Rng, dir: string, index: number): FuzzCase {
  const command = rng.pick(COMMANDS);
  const argv = [command];
  for (let n = rng.range(0, 5); n > 0; n--) {
    if (rng.chance(0.7)) {
      const flag = rng.pick(Object.keys(VALUES));
      argv.push(flag);
      if (rng.chance(0.95)) argv.push(VALUES[flag]!(rng));
    } else argv.push(rng.pick(FLAGS));
  }
  if (command === 'play') {
    for (let n = rng.range(0, 2); n > 0; n--) {
      argv.push(rng.pick([join(dir, 'image.png'), join(dir, 'broken.png'), join(dir, 'missing.jpg'), dir, join(dir, 'notes.txt'), 'http://127.0.0.1:9/live.ts', 'rtsp://127.0.0.1:9/cam']));
    }
  }
  const streams = command === 'pattern' || command === 'play' || command === 'pipe';
  if (streams && rng.chance(0.9)) argv.push('--output', rng.pick([join(dir, `cli-${index}.y4m`), join(dir, 'no-such-dir', 'a.y4m'), dir]));
  else if (streams && !argv.includes('--device')) argv.push('--device', '/nonexistent/video99');
  if (streams && !argv.includes('--frames') && rng.chance(0.7)) argv.push('--frames', String(rng.range(1, 5)));
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
