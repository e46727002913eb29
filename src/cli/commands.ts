/** The loopcam commands: each parses its arguments, then calls the public API. */
import { BENCH_USAGE } from '../bench/args.js';
import { LoopcamError } from '../errors.js';
import { runBench } from '../bench/run.js';
import { runStreamBench, STREAM_BENCH_USAGE } from '../bench/stream.js';
import { PATTERNS, type Pattern } from '../convert/converter.js';
import { INPUT_NAMES, INPUTS, type InputName } from '../formats.js';
import { listDevices } from '../v4l2/devices.js';
import { FITS, type Fit } from '../sources/fit.js';
import { readImage } from '../sources/image.js';
import type { Streamer } from '../stream/streamer.js';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON, COMMON_HELP, common, parse, UsageError, type Common } from './options.js';
import { diagnose, report } from './doctor.js';
import { runStream } from './stream.js';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

const LIST_USAGE = `Usage: loopcam list [--json]

Lists every V4L2 device (/dev/videoN) with its card label, driver and capabilities, and says which are
v4l2loopback nodes that can take output now.

  --json      one JSON array instead of the table

Example:
  loopcam list`;

const PATTERN_USAGE = `Usage: loopcam pattern [--pattern bars|gradient|moving] [options]

Streams a test pattern to the camera (or a file). 'moving' shows a sweeping box, the frame number and
the time each frame was made, to measure latency and spot dropped frames.

  --pattern P      ${PATTERNS.join(', ')} (default moving)
${COMMON_HELP}

Examples:
  loopcam pattern --frames 150 --output pattern.y4m     # 5 s to a file; ffplay pattern.y4m
  loopcam pattern --device /dev/video10 --size 1920x1080 --fps 60
  loopcam pattern --pattern bars --format nv12`;

const PLAY_USAGE = `Usage: loopcam play <images…|folder|video> [options]

Shows PNG/JPEG images as a slideshow (a folder's images in name order), or plays a video file through
ffmpeg (audio ignored), fitted to the stream size.

  --fit F          contain (letterbox, default), cover (crop) or stretch
  --duration S     seconds each image shows (default 5)
  --loop           start again after the last image (or the video's end); --no-loop (default) stops
${COMMON_HELP}

Examples:
  loopcam play slides/ --duration 10 --loop
  loopcam play photo.jpg --fit cover --device 'loopcam'
  loopcam play talk.mp4 --size 1920x1080 --fps 30`;

const PIPE_USAGE = `Usage: loopcam pipe --input FORMAT --size WxH [options] < frames

Streams raw frames read from stdin (whole frames of WxH pixels in the --input format, back to back);
the latest one is shown at every tick. Ends when stdin ends; a short final frame is an error.

  --input I        ${INPUT_NAMES.join(', ')} (default rgba)
${COMMON_HELP}

Example:
  ffmpeg -i talk.mp4 -f rawvideo -pix_fmt rgba -s 1280x720 - | loopcam pipe --input rgba --size 1280x720`;

async function list(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return help(LIST_USAGE);
  const devices = listDevices();
  if (values.json) {
    console.log(JSON.stringify(devices.map(({ error, ...d }) => ({ ...d, ...(error ? { error: error.message } : {}) })), null, 2));
    return 0;
  }
  if (devices.length === 0) {
    console.log('No video devices. Load v4l2loopback: sudo modprobe v4l2loopback exclusive_caps=1 card_label=loopcam');
    return 0;
  }
  for (const d of devices) {
    const role = d.loopback ? `v4l2loopback ${d.loopbackVersion}${d.output ? ', takes output now' : d.capture ? ', being written (capture only)' : ', stuck: reload the module'}` : d.driver ?? 'unknown';
    console.log(`${d.label} (${d.busInfo ?? '?'}):\n\t${d.path}\t${role}${d.capNames ? `\n\tcaps: ${d.capNames.join(', ')}` : ''}${d.error ? `\n\t${d.error.message}` : ''}`);
  }
  return 0;
}

async function pattern(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...COMMON, pattern: { type: 'string' } });
  if (values.help) return help(PATTERN_USAGE);
  const c = common(values);
  const kind = (values.pattern as string | undefined) ?? 'moving';
  if (!(PATTERNS as readonly string[]).includes(kind)) throw new UsageError(`--pattern ${kind}: expected one of ${PATTERNS.join(', ')}`);
  const start = performance.now();
  await runStream(c, 'rgba', async (cam, running) => {
    if (kind !== 'moving') {
      cam.drawPattern(kind as Pattern);
      cam.commit();
      return new Promise<void>((resolve) => cam.once('close', resolve));
    }
    // One picture per output frame, numbered by the frame it will be, stamped with the time it was made.
    for (let n = 0; running(); n++) {
      cam.drawPattern('moving', n, performance.now() - start);
      cam.commit();
      await cam.nextFrame();
    }
  });
  return 0;
}

async function pipe(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...COMMON, input: { type: 'string' } });
  if (values.help) return help(PIPE_USAGE);
  if (values.size === undefined) throw new UsageError('pipe needs --size WxH: the size of the frames on stdin');
  const c = common(values);
  const input = (values.input as string | undefined) ?? 'rgba';
  if (!(INPUT_NAMES as string[]).includes(input)) throw new UsageError(`--input ${input}: expected one of ${INPUT_NAMES.join(', ')}`);
  const frameBytes = c.width * c.height * INPUTS[input as InputName].bytesPerPixel;
  await runStream(c, input as InputName, (cam, running) => streamFrames(process.stdin, 'stdin', frameBytes, cam, running, `${c.width}×${c.height} ${input}`));
  return 0;
}

/**
 * Commits every whole frame read from `source` (copied straight into the frame); resolves at its end
 * (after the last frame reached the sink) or when the stream stops; a partial last frame is an error.
 */
function streamFrames(source: NodeJS.ReadableStream & { destroy(): void }, name: string, frameBytes: number, cam: Streamer,
  running: () => boolean, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let filled = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - at);
        cam.frame.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === frameBytes) {
          cam.commit();
          filled = 0;
        }
      }
      if (!running()) finish();
    };
    const finish = () => {
      if (done) return;
      done = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.destroy(); // an open stdin would keep the process alive after a signal
      resolve();
    };
    const onEnd = () => {
      if (filled !== 0) {
        done = true;
        reject(new LoopcamError('PARTIAL_FRAME', `${name} ended inside a frame: ${filled} of ${frameBytes} bytes (${what}); frames must be whole`));
        return;
      }
      // Let the last frame reach the sink before stopping.
      void cam.nextFrame().then(finish);
    };
    // Stopped from outside (--frames, Ctrl+C, SIGTERM): stop reading.
    cam.once('close', finish);
    source.on('data', onData);
    source.once('end', onEnd);
  });
}

const IMAGE_FILE = /\.(png|jpe?g)$/i;

/** Files to play: folders expand to their PNG/JPEG files in name order. */
function expand(paths: string[]): string[] {
  return paths.flatMap((path) => {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new LoopcamError('BAD_IMAGE', `${path} does not exist`);
    }
    if (!isDir) return [path];
    const files = readdirSync(path).filter((f) => IMAGE_FILE.test(f)).sort().map((f) => join(path, f));
    if (files.length === 0) throw new LoopcamError('BAD_IMAGE', `${path} holds no PNG or JPEG files`);
    return files;
  });
}

async function play(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...COMMON, fit: { type: 'string' }, duration: { type: 'string' }, loop: { type: 'boolean' }, 'no-loop': { type: 'boolean' },
  }, true);
  if (values.help) return help(PLAY_USAGE);
  if (positionals.length === 0) throw new UsageError('play needs images, a folder of images, or a video file');
  const c = common(values);
  const fit = (values.fit as string | undefined) ?? 'contain';
  if (!(FITS as readonly string[]).includes(fit)) throw new UsageError(`--fit ${fit}: expected one of ${FITS.join(', ')}`);
  const duration = values.duration === undefined ? 5 : Number(values.duration);
  if (!Number.isFinite(duration) || duration <= 0) throw new UsageError(`--duration ${String(values.duration)}: expected seconds above 0`);
  const loop = values.loop === true && values['no-loop'] !== true;
  const files = expand(positionals);
  if (files.length === 1 && !IMAGE_FILE.test(files[0]!)) return playVideo(files[0]!, c, fit as Fit, loop);
  const ticks = Math.max(1, Math.round(duration * c.fps));
  await runStream(c, 'rgba', async (cam, running) => {
    for (let i = 0; running(); i++) {
      if (i === files.length) {
        if (!loop) break;
        i = 0;
      }
      cam.drawImage(readImage(files[i]!), fit as Fit);
      cam.commit();
      for (let t = 0; t < ticks && running(); t++) await cam.nextFrame();
    }
  });
  return 0;
}

/** A video through ffmpeg, decoded to RGBA at the stream's size and rate (audio ignored). */
async function playVideo(file: string, c: Common, fit: Fit, loop: boolean): Promise<number> {
  const { width: w, height: h } = c;
  const scale = fit === 'stretch' ? `scale=${w}:${h}`
    : fit === 'cover' ? `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`
      : `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`;
  const args = ['-hide_banner', '-loglevel', 'error', '-re', ...(loop ? ['-stream_loop', '-1'] : []), '-i', file, '-an',
    '-vf', `${scale},fps=${c.fps}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'];
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    ffmpeg.once('error', (error) => reject(new LoopcamError('NO_FFMPEG',
      `playing ${file} needs ffmpeg, which could not be started (${(error as Error).message}): install it (sudo apt install ffmpeg), or use images`)));
    ffmpeg.once('exit', resolve);
  });
  try {
    await runStream(c, 'rgba', async (cam, running) => {
      await Promise.race([streamFrames(ffmpeg.stdout, 'ffmpeg', w * h * 4, cam, running, `${w}×${h} rgba`), exited.then(() => undefined)]);
    });
  } finally {
    ffmpeg.kill();
  }
  const code = await exited.catch((error) => { throw error; });
  if (code !== 0 && code !== null && stderr.trim()) throw new LoopcamError('BAD_IMAGE', `ffmpeg could not play ${file}: ${stderr.trim().split('\n').at(-1)}`);
  return 0;
}

const DOCTOR_USAGE = `Usage: loopcam doctor [--json]

Checks what streaming to a camera needs — V4L2, the v4l2loopback module and version, its nodes and
their state, permissions, who holds a busy node, exclusive_caps (what Chrome and Zoom need to list the
camera), the control device, the native ioctl module, ffmpeg — and says how to fix each problem.
Exits 1 when something stops streaming to a camera.

Example:
  loopcam doctor`;

async function doctor(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return help(DOCTOR_USAGE);
  const findings = diagnose();
  console.log(values.json ? JSON.stringify(findings, null, 2) : report(findings));
  return findings.some((f) => f.blocking) ? 1 : 0;
}

async function bench(argv: string[]): Promise<number> {
  if (argv.includes('--stream')) return runStreamBench(argv);
  return runBench(argv);
}

function help(text: string): number {
  console.log(text);
  return 0;
}

export const COMMANDS: Record<string, Command> = {
  list: { summary: 'list V4L2 devices and which are v4l2loopback outputs', usage: LIST_USAGE, run: list },
  pattern: { summary: 'stream a test pattern (bars, gradient, moving counter)', usage: PATTERN_USAGE, run: pattern },
  play: { summary: 'show images (a slideshow) or play a video file', usage: PLAY_USAGE, run: play },
  pipe: { summary: 'stream raw frames read from stdin', usage: PIPE_USAGE, run: pipe },
  doctor: { summary: 'check the driver, devices and permissions, and say how to fix problems', usage: DOCTOR_USAGE, run: doctor },
  bench: { summary: 'time every conversion (JS vs WASM vs a copy); --stream: a whole stream vs ffmpeg', usage: `${BENCH_USAGE}\n\n${STREAM_BENCH_USAGE}`, run: bench },
};
