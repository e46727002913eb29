/** The benchmarks' yardstick: one ffmpeg run, its CPU read from its own -benchmark line. */
import { spawn } from 'node:child_process';

/** Runs `ffmpeg -benchmark …args` to its end; resolves with its CPU in % of one core, or null without ffmpeg. */
export function ffmpegCpuPercent(args: readonly string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostats', '-benchmark', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', () => resolve(null));
    child.on('exit', () => {
      const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(err);
      resolve(m ? ((Number(m[1]) + Number(m[2])) / Number(m[3])) * 100 : null);
    });
  });
}
