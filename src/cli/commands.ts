/**
 * The loopcam commands: each parses its arguments, then calls the public API. A command imports what
 * it runs when it runs (`import()`), so `--help`, or a pattern to a file, loads no V4L2, ffmpeg, image
 * or benchmark code.
 */
import { BENCH_USAGE, STREAM_BENCH_USAGE } from '../bench/args.js';
import { PATTERNS, type Pattern } from '../convert/patterns.js';
import { INPUT_NAMES, type InputName } from '../formats.js';
import { FITS, type Fit } from '../sources/fit.js';
import { statSync } from 'node:fs';
import { COMMON, COMMON_HELP, common, parse, UsageError } from './options.js';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

const LIST_USAGE = `Usage: loopcam list [--json]

Lists every V4L2 device (/dev/videoN) with its card label, driver and capabilities, and says which are
v4l2loopback nodes that can take output now; then the PipeWire cameras (Video/Source nodes) when a
PipeWire daemon runs for this user.

  --json      one JSON array instead of the table (each entry's kind: v4l2 or pipewire)

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

const PLAY_USAGE = `Usage: loopcam play <images…|folder|video|url|device> [options] [-- ffmpeg input options]

Shows PNG/JPEG images (a folder's in name order) as a slideshow, or plays anything ffmpeg reads — a
video file, a stream URL (rtsp, http(s), HLS, srt, udp), a webcam (/dev/videoN), the screen — fitted
to the stream size. Files are paced by loopcam and end; live inputs (stream URLs, devices, inputs
given after --, files without a duration) play as they come and are reopened whenever they fail.
At the end of the content a camera keeps showing the last frame until stopped; a file (--output) ends.

  --fit F          contain (letterbox, default), cover (crop) or stretch
  --duration S     seconds each image shows (default 5)
  --loop           start again after the last image or the video's end
  --live           treat the input as live (never ends, reconnects); --no-live: as a file
  --exit-at-end    stop at the end of the content on a camera too
  -- OPTIONS       ffmpeg input options (before -i), or a whole input with its own -i
${COMMON_HELP}

Examples:
  loopcam play slides/ --duration 10 --loop
  loopcam play photo.jpg --fit cover --device loopcam
  loopcam play talk.mp4 --size 1920x1080 --fps 30
  loopcam play 'rtsp://user:password@192.168.1.20:554/stream1'          # an IP camera as a webcam
  loopcam play /dev/video0 -- -input_format mjpeg -video_size 1280x720 -framerate 30   # a webcam
  loopcam play -- -f x11grab -video_size 1920x1080 -i :0.0              # the screen`;

const PIPE_USAGE = `Usage: loopcam pipe --input FORMAT --size WxH [options] < frames

Streams raw frames read from stdin (whole frames of WxH pixels in the --input format, back to back);
the latest one is shown at every tick. When stdin ends a camera keeps the last frame until stopped
(--exit-at-end stops); a file ends. A short final frame is an error.

  --input I        ${INPUT_NAMES.join(', ')} (default rgba)
  --exit-at-end    stop when stdin ends, on a camera too
${COMMON_HELP}

Example:
  ffmpeg -i talk.mp4 -f rawvideo -pix_fmt rgba -s 1280x720 - | loopcam pipe --input rgba --size 1280x720`;

async function list(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return help(LIST_USAGE);
  const [{ listDevices }, { listPipeWireCameras }] = await Promise.all([import('../v4l2/devices.js'), import('../pipewire/daemon.js')]);
  const devices = listDevices();
  const pipewire = listPipeWireCameras();
  const cameras = 'cameras' in pipewire ? pipewire.cameras : [];
  if (values.json) {
    console.log(JSON.stringify([...devices.map(({ error, ...d }) => ({ kind: 'v4l2', ...d, ...(error ? { error: error.message } : {}) })), ...cameras], null, 2));
    return 0;
  }
  if (devices.length === 0 && cameras.length === 0) {
    console.log('No video devices. Load v4l2loopback: sudo modprobe v4l2loopback exclusive_caps=1 card_label=loopcam' +
      ('cameras' in pipewire ? '; or publish a PipeWire camera: loopcam pattern --pipewire' : ''));
    return 0;
  }
  for (const d of devices) {
    const role = d.loopback ? `v4l2loopback ${d.loopbackVersion}${d.output ? ', takes output now' : d.capture ? ', being written (capture only)' : ', stuck: reload the module'}` : d.driver ?? 'unknown';
    console.log(`${d.label} (${d.busInfo ?? '?'}):\n\t${d.path}\t${role}${d.capNames ? `\n\tcaps: ${d.capNames.join(', ')}` : ''}${d.error ? `\n\t${d.error.message}` : ''}`);
  }
  for (const c of cameras) {
    const role = c.camera ? '' : ' (no Camera role: portal apps do not list it)';
    console.log(`${c.label} (PipeWire):\n\tnode ${c.id} ${c.name}\t${c.formats.join(', ') || 'no format yet'}${role}`);
  }
  return 0;
}

async function pattern(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...COMMON, pattern: { type: 'string' } });
  if (values.help) return help(PATTERN_USAGE);
  const c = common(values);
  const kind = (values.pattern as string | undefined) ?? 'moving';
  if (!(PATTERNS as readonly string[]).includes(kind)) throw new UsageError(`--pattern ${kind}: expected one of ${PATTERNS.join(', ')}`);
  const [{ runStream }, { patternSource }] = await Promise.all([import('./stream.js'), import('../sources/pattern.js')]);
  await runStream(c, patternSource(kind as Pattern));
  return 0;
}

async function pipe(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...COMMON, input: { type: 'string' }, 'exit-at-end': { type: 'boolean' } });
  if (values.help) return help(PIPE_USAGE);
  if (values.size === undefined) throw new UsageError('pipe needs --size WxH: the size of the frames on stdin');
  const c = common(values);
  const input = (values.input as string | undefined) ?? 'rgba';
  if (!(INPUT_NAMES as string[]).includes(input)) throw new UsageError(`--input ${input}: expected one of ${INPUT_NAMES.join(', ')}`);
  const [{ runStream }, { rawFrames }] = await Promise.all([import('./stream.js'), import('../sources/frames.js')]);
  await runStream(c, rawFrames(process.stdin, { name: 'stdin' }), { input: input as InputName, exitAtEnd: values['exit-at-end'] === true });
  return 0;
}

async function play(argv: string[]): Promise<number> {
  // Everything after `--` belongs to ffmpeg.
  const split = argv.indexOf('--');
  const ours = split < 0 ? argv : argv.slice(0, split);
  const inputOptions = split < 0 ? [] : argv.slice(split + 1);
  const { values, positionals } = parse(ours, {
    ...COMMON, fit: { type: 'string' }, duration: { type: 'string' }, loop: { type: 'boolean' }, 'no-loop': { type: 'boolean' },
    live: { type: 'boolean' }, 'no-live': { type: 'boolean' }, 'exit-at-end': { type: 'boolean' },
  }, true);
  if (values.help) return help(PLAY_USAGE);
  if (positionals.length === 0 && !inputOptions.includes('-i')) {
    throw new UsageError('play needs images, a folder, a video, a URL or a device — or an ffmpeg input after --, e.g. -- -f x11grab -i :0.0');
  }
  const c = common(values);
  const fit = (values.fit as string | undefined) ?? 'contain';
  if (!(FITS as readonly string[]).includes(fit)) throw new UsageError(`--fit ${fit}: expected one of ${FITS.join(', ')}`);
  const duration = values.duration === undefined ? 5 : Number(values.duration);
  if (!Number.isFinite(duration) || duration <= 0) throw new UsageError(`--duration ${String(values.duration)}: expected seconds above 0`);
  const loop = values.loop === true && values['no-loop'] !== true;
  const live = values.live === true ? true : values['no-live'] === true ? false : undefined;
  const exitAtEnd = values['exit-at-end'] === true;
  const [{ runStream }, { IMAGE_FILE, slideshow }] = await Promise.all([import('./stream.js'), import('../sources/slideshow.js')]);
  const images = positionals.length > 0 && inputOptions.length === 0 && positionals.every((p) => IMAGE_FILE.test(p) || isFolder(p));
  if (images) {
    await runStream(c, slideshow(positionals, { duration, loop, fit: fit as Fit }), { exitAtEnd });
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`play takes one video, URL or device at a time (or images and folders); got ${positionals.length} inputs`);
  const { mediaSource } = await import('../sources/media.js');
  const source = mediaSource(positionals[0], { inputOptions, fit: fit as Fit, loop, ...(live === undefined ? {} : { live }) });
  await runStream(c, source, { exitAtEnd });
  return 0;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const DOCTOR_USAGE = `Usage: loopcam doctor [--json]

Checks what streaming to a camera needs — V4L2, the v4l2loopback module and version, its nodes and
their state, permissions, who holds a busy node, exclusive_caps (what Chrome and Zoom need to list the
camera), the control device, the native ioctl module, ffmpeg; PipeWire (daemon, library, session
manager, the Camera portal) — and says how to fix each problem. Exits 1 when something stops streaming
to a camera (a missing v4l2loopback does not while a PipeWire camera works).

Example:
  loopcam doctor`;

async function doctor(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return help(DOCTOR_USAGE);
  const [{ diagnose, report }, { probePipeWire }] = await Promise.all([import('./doctor.js'), import('./doctor-pipewire.js')]);
  const findings = diagnose(await probePipeWire());
  console.log(values.json ? JSON.stringify(findings, null, 2) : report(findings));
  return findings.some((f) => f.blocking) ? 1 : 0;
}

async function bench(argv: string[]): Promise<number> {
  if (argv.includes('--stream')) return (await import('../bench/stream.js')).runStreamBench(argv);
  return (await import('../bench/run.js')).runBench(argv);
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
