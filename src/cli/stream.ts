/**
 * Running a Streamer fed by a source from the command line: the sink from --output, --frames, what
 * happens at the content's end, Ctrl+C/SIGTERM (stop cleanly: the device is released, the Y4M
 * complete), and a one-line live status on a terminal.
 */
import type { EventEmitter } from 'node:events';
import type { InputName } from '../formats.js';
import type { Source } from '../sources/source.js';
import { monotonic } from '../stream/pacer.js';
import { Streamer, type SinkOption } from '../stream/streamer.js';
import type { Common } from './options.js';

/** Where the command line sends frames: a file, stdout, a PipeWire camera, or a v4l2loopback node. */
export function sinkFor(c: Pick<Common, 'output' | 'device' | 'pipewire' | 'label'>): SinkOption {
  if (c.output === '-') return { type: 'raw', fd: 1 };
  if (c.output !== undefined) return { type: 'y4m', path: c.output };
  if (c.pipewire) return { type: 'pipewire', ...(c.label === undefined ? {} : { label: c.label }) };
  return c.device === undefined ? { type: 'device' } : { type: 'device', device: c.device };
}

/**
 * With no --device, --output or --pipewire: a v4l2loopback node if there is one, else a PipeWire camera
 * when a daemon runs (said in one line), else the device path (whose error says how to get a node).
 */
async function chooseCamera(c: Common): Promise<Common> {
  if (c.output !== undefined || c.device !== undefined || c.pipewire) return c;
  const [{ listDevices }, { pipewireSocket }] = await Promise.all([import('../v4l2/devices.js'), import('../pipewire/daemon.js')]);
  if (listDevices().some((d) => d.loopback) || !pipewireSocket()) return c;
  process.stderr.write(`loopcam: no v4l2loopback device; publishing a PipeWire camera "${c.label ?? 'loopcam'}" instead (--pipewire says so; --device asks for a node)\n`);
  return { ...c, pipewire: true };
}

export interface RunOptions {
  /** The pixel format the source writes at first (default rgba). */
  input?: InputName;
  /** End with the content even on a camera (default: a camera holds the last frame until stopped). */
  exitAtEnd?: boolean;
}

/** Runs shorter than this (by --frames and --fps) do not start the output thread. */
const SHORT_RUN_S = 0.25;

/**
 * Streams `source` until --frames, a signal, or the content's end (to a file or stdout, or with
 * --exit-at-end); on a camera the last frame stays up until stopped. Resolves with the final stats.
 */
export async function runStream(c: Common, source: Source, options: RunOptions = {}): Promise<Streamer['stats']> {
  // A run known to end before the output thread is up (it takes ≈ 50 ms to start, and a process that
  // exits while it starts waits for it) stays on the main thread: `--frames 1` exits ≈ 30 ms sooner.
  const short = c.frames !== undefined && c.frames / c.fps < SHORT_RUN_S;
  c = await chooseCamera(c);
  const cam = new Streamer({ ...c, input: options.input ?? 'rgba', sink: sinkFor(c), ...(short ? { outputThread: false } : {}) });
  let failure: unknown;
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  cam.on('error', (error) => (failure = error));
  cam.once('close', () => stopped());
  const stop = () => void cam.stop().then(() => stopped());
  if (c.frames !== undefined) {
    const limit = c.frames;
    cam.on('frame', (n: number) => n >= limit && stop());
  }
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const status = liveStatus(cam, c, source);
  try {
    try {
      await cam.play(source, { end: c.output !== undefined || options.exitAtEnd ? 'stop' : 'hold' });
    } catch (error) {
      await cam.stop();
      throw error;
    }
    await done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    status.stop();
  }
  if (failure) throw failure;
  return cam.stats;
}

/**
 * "1280×720 yuyv → /dev/video0 · 30.0 fps · 90 frames · late 0 · dropped 0 · CPU 2.1 %", redrawn every
 * second on a terminal; "reconnecting…" while a live source is down. Whether stderr is a terminal is
 * asked at the first redraw: making process.stderr (or loading node:tty) costs ≈ 2–3 ms of start-up, which
 * a run shorter than a second would pay for nothing.
 */
function liveStatus(cam: Streamer, c: Common, source: Source): { stop(): void } {
  let cpu = process.cpuUsage();
  let wall = monotonic();
  let down = false;
  const events = source as Partial<EventEmitter>;
  const lost = () => (down = true);
  const restored = () => (down = false);
  events.on?.('lost', lost);
  events.on?.('restored', restored);
  const target = c.output === undefined ? (c.device ?? 'device') : c.output === '-' ? 'stdout' : c.output;
  let shown = false;
  const timer = setInterval(() => {
    if (!shown && !process.stderr.isTTY) return stop();
    shown = true;
    const now = monotonic();
    const used = process.cpuUsage(cpu);
    const percent = ((used.user + used.system) / 1000 / (now - wall)) * 100;
    cpu = process.cpuUsage();
    wall = now;
    const s = cam.stats;
    process.stderr.write(`\r${c.width}×${c.height} ${c.format} → ${target} · ${s.fps.toFixed(1)} fps · ${s.framesOut} frames · late ${s.late} · dropped ${s.dropped} · CPU ${percent.toFixed(1)} %${down ? ` · ${source.name} reconnecting…` : ''}\x1b[K`); // erase the rest of a longer line
  }, 1000).unref();
  function stop(): void {
    clearInterval(timer);
    events.off?.('lost', lost);
    events.off?.('restored', restored);
  }
  return {
    stop() {
      stop();
      if (shown) process.stderr.write('\n');
      shown = false;
    },
  };
}
