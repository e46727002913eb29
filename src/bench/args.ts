/** Command-line options of the conversion benchmark (`npm run bench`, later `loopcam bench`). */
import { parseArgs } from 'node:util';
import { canConvert, FORMAT_NAMES, INPUT_NAMES, type FormatName, type InputName } from '../formats.js';
import { parseSize, UsageError } from '../args.js';

export { UsageError };

export const DEFAULT_SIZES: readonly [number, number][] = [[640, 480], [1280, 720], [1920, 1080], [3840, 2160]];

export interface BenchOptions {
  sizes: [number, number][];
  pairs: [InputName, FormatName][];
  mirror: boolean;
  flipY: boolean;
  json: boolean;
}

/** Every pair a converter takes: YUV inputs convert to YUV formats (and gray) only. */
const ALL_PAIRS = INPUT_NAMES.flatMap((input) =>
  FORMAT_NAMES.filter((format) => canConvert(input, format)).map((format) => [input, format] as [InputName, FormatName]));

export const BENCH_USAGE = `Usage: npm run bench -- [--size WxH]… [--only INPUT:FORMAT,…] [--mirror] [--flip-y] [--json]

Times every input → format conversion with the JS reference and with WASM, next to the floor (a plain
copy of one input frame), and prints medians in ms per frame.

  --size WxH     frame size; repeat for several (default 640x480 1280x720 1920x1080 3840x2160)
  --only LIST    pairs to run, e.g. rgba:yuyv,rgb24:i420,i420:yuyv (default: all ${ALL_PAIRS.length})
  --mirror       convert with mirror: true (horizontal flip)
  --flip-y       convert with flipY: true (bottom-up input rows)
  --json         one JSON object per line instead of a table
  --help         this text

inputs:  ${INPUT_NAMES.join(', ')}
formats: ${FORMAT_NAMES.join(', ')}`;

function parsePair(text: string): [InputName, FormatName] {
  const [input, format, extra] = text.split(':');
  if (extra !== undefined || !input || !format) throw new UsageError(`--only "${text}" is not INPUT:FORMAT, e.g. rgba:yuyv`);
  if (!(INPUT_NAMES as string[]).includes(input)) throw new UsageError(`--only ${text}: unknown input "${input}"; expected one of ${INPUT_NAMES.join(', ')}`);
  if (!(FORMAT_NAMES as string[]).includes(format)) throw new UsageError(`--only ${text}: unknown format "${format}"; expected one of ${FORMAT_NAMES.join(', ')}`);
  if (!canConvert(input as InputName, format as FormatName)) throw new UsageError(`--only ${text}: a YUV input converts only to YUV formats and gray`);
  return [input as InputName, format as FormatName];
}

/** Returns the options, or null when --help was asked for. */
export function parseBenchArgs(argv: string[]): BenchOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        size: { type: 'string', multiple: true },
        only: { type: 'string', multiple: true },
        mirror: { type: 'boolean', default: false },
        'flip-y': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return null;
  const sizes = values.size?.length ? values.size.map(parseSize) : DEFAULT_SIZES.map(([w, h]) => [w, h] as [number, number]);
  const pairs = values.only?.length
    ? values.only.flatMap((list) => list.split(',').filter(Boolean)).map(parsePair)
    : ALL_PAIRS.map(([input, format]) => [input, format] as [InputName, FormatName]);
  return { sizes, pairs, mirror: values.mirror ?? false, flipY: values['flip-y'] ?? false, json: values.json ?? false };
}

export const STREAM_BENCH_USAGE = `Usage: loopcam bench --stream [--sink null|y4m|device|pipewire] [--seconds N] [--cameras N] [--block MS] [--size WxH]… [--fps N]… [--json]
       loopcam bench --stream --video [--file FILE] [--seconds N] [--size WxH] [--fps N] [--json]

Streams the moving pattern (drawn, converted to yuyv and written every frame) and reports CPU (% of one
core), frames out, late, dropped, lateness p50/p99 and drift, next to ffmpeg doing the same job.

  --sink S       null (default), y4m (Y4M framing written to /dev/null), device (v4l2loopback
                 nodes; with --cameras N, the first N), or pipewire (PipeWire cameras, one reader
                 each, measured against the null sink in the same run)
  --seconds N    seconds per case (default 10)
  --cameras N    streams at once from this process (default 1); the ffmpeg yardstick runs once
                 and is multiplied by N
  --block MS     the producer's thread busy-waits MS of every 1000 ms (default 0)
  --size WxH     repeatable (default 1280x720 1920x1080)
  --fps N        repeatable (default 30 60)
  --video        the video case: loopcam play of a video file (default: a 1080p30 H.264 clip of
                 --seconds made for the run) to the null sink — loopcam and its ffmpeg child — next
                 to ffmpeg -re converting the same file to yuyv422 into /dev/null
  --file FILE    the video for --video
  --json         one JSON object per line`;
