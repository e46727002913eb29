/** The loopcam commands: each parses its arguments, then calls the public API. */
import { BENCH_USAGE } from '../bench/args.js';
import { LoopcamError } from '../errors.js';
import { runBench } from '../bench/run.js';
import { PATTERNS, type Pattern } from '../convert/converter.js';
import { INPUT_NAMES, INPUTS, type InputName } from '../formats.js';
import { listDevices } from '../v4l2/devices.js';
import { COMMON, COMMON_HELP, common, parse, UsageError } from './options.js';
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
  await runStream(c, input as InputName, (cam, running) => new Promise<void>((resolve, reject) => {
    let filled = 0;
    const onData = (chunk: Buffer) => {
      // Copy straight into the frame; every whole frame is committed.
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
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.destroy(); // an open stdin would keep the process alive after a signal
      resolve();
    };
    // Stopped from outside (--frames, Ctrl+C, SIGTERM): stop reading.
    cam.once('close', finish);
    const onEnd = () => {
      if (filled !== 0) {
        reject(new LoopcamError('PARTIAL_FRAME', `stdin ended inside a frame: ${filled} of ${frameBytes} bytes (${c.width}×${c.height} ${input}); frames must be whole`));
        return;
      }
      // Let the last frame reach the sink before stopping.
      void cam.nextFrame().then(finish);
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', onEnd);
  }));
  return 0;
}

async function bench(argv: string[]): Promise<number> {
  if (argv.includes('--stream')) throw new UsageError('loopcam bench --stream is not built yet; loopcam bench times the conversions');
  return runBench(argv);
}

function help(text: string): number {
  console.log(text);
  return 0;
}

export const COMMANDS: Record<string, Command> = {
  list: { summary: 'list V4L2 devices and which are v4l2loopback outputs', usage: LIST_USAGE, run: list },
  pattern: { summary: 'stream a test pattern (bars, gradient, moving counter)', usage: PATTERN_USAGE, run: pattern },
  pipe: { summary: 'stream raw frames read from stdin', usage: PIPE_USAGE, run: pipe },
  bench: { summary: 'time every conversion: JS reference vs WASM vs a plain copy', usage: BENCH_USAGE, run: bench },
};
