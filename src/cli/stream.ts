/**
 * Running a Streamer from the command line: the sink from --output, --frames, Ctrl+C/SIGTERM (stop
 * cleanly: the device is released, the Y4M complete), and a one-line live status on a terminal.
 */
import type { InputName } from '../formats.js';
import { Streamer, type SinkOption } from '../stream/streamer.js';
import type { Common } from './options.js';

export type Producer = (cam: Streamer, isRunning: () => boolean) => Promise<void> | void;

export function sinkFor(output: string | undefined, device: string | number | undefined): SinkOption {
  if (output === '-') return { type: 'raw', fd: 1 };
  if (output !== undefined) return { type: 'y4m', path: output };
  return device === undefined ? { type: 'device' } : { type: 'device', device };
}

/** Streams until --frames, the producer's end, or a signal; resolves with the final stats. */
export async function runStream(c: Common, input: InputName, produce: Producer): Promise<Streamer['stats']> {
  const cam = new Streamer({ ...c, input, sink: sinkFor(c.output, c.device) });
  let running = true;
  let failure: unknown;
  const closed = new Promise<void>((resolve) => cam.once('close', () => resolve()));
  cam.on('error', (error) => (failure = error));
  const stop = () => {
    running = false;
    void cam.stop();
  };
  if (c.frames !== undefined) {
    const limit = c.frames;
    cam.on('frame', (n: number) => n >= limit && stop());
  }
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const status = process.stderr.isTTY ? liveStatus(cam, c) : undefined;
  try {
    await cam.start();
    try {
      await produce(cam, () => running);
    } catch (error) {
      stop();
      await closed;
      throw error;
    }
    if (running && c.frames === undefined) stop(); // the producer ran out (end of stdin, last image)
    await closed;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (status) {
      clearInterval(status);
      process.stderr.write('\n');
    }
  }
  if (failure) throw failure;
  return cam.stats;
}

/** "1280×720 yuyv → /dev/video0 · 30.0 fps · late 0 · dropped 0 · CPU 2.1 %", redrawn every second. */
function liveStatus(cam: Streamer, c: Common): NodeJS.Timeout {
  let cpu = process.cpuUsage();
  let wall = performance.now();
  const target = c.output === undefined ? (c.device ?? 'device') : c.output === '-' ? 'stdout' : c.output;
  return setInterval(() => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    const percent = ((used.user + used.system) / 1000 / (now - wall)) * 100;
    cpu = process.cpuUsage();
    wall = now;
    const s = cam.stats;
    process.stderr.write(`\r${c.width}×${c.height} ${c.format} → ${target} · ${s.fps.toFixed(1)} fps · ${s.framesOut} frames · late ${s.late} · dropped ${s.dropped} · CPU ${percent.toFixed(1)} %   `);
  }, 1000).unref();
}
