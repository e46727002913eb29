/**
 * Running ffmpeg and ffprobe for the media source: finding them, starting them so that they die with
 * loopcam (even when loopcam is SIGKILLed), the pixel formats ffmpeg is asked for, and the arguments.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Range } from '../colour.js';
import { LoopcamError } from '../errors.js';
import { canConvert, FORMATS, INPUT_NAMES, yuvInputFormat, type FormatName, type InputName } from '../formats.js';
import type { Fit } from './fit.js';

const found = new Map<string, string | undefined>();

/** The path of an executable on PATH, or undefined (looked up once per name). */
export function which(name: string): string | undefined {
  if (!found.has(name)) {
    let path: string | undefined;
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (!dir) continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        path = join(dir, name);
        break;
      } catch {}
    }
    found.set(name, path);
  }
  return found.get(name);
}

/** ffmpeg or ffprobe's path, or NO_FFMPEG saying how to get it. */
export function needTool(tool: 'ffmpeg' | 'ffprobe', what: string): string {
  const path = which(tool);
  if (!path) throw new LoopcamError('NO_FFMPEG', `${what} needs ${tool}, which is not on PATH: install ffmpeg (sudo apt install ffmpeg), or play images instead`);
  return path;
}

/**
 * Starts a tool with its stdout and stderr piped. On Linux, util-linux's setpriv sets PR_SET_PDEATHSIG
 * first, so the kernel kills the child when loopcam dies, however it dies; without setpriv the child
 * still ends on its next write to a closed pipe.
 */
export function spawnTool(tool: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  const setpriv = process.platform === 'linux' ? which('setpriv') : undefined;
  const [cmd, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', tool, ...args]] : [tool, [...args]];
  return spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
}

/** ffmpeg's name for the pixel format of an input, or undefined where it has none (YV12's plane order). */
export function ffmpegPixFmt(input: InputName): string | undefined {
  const yuv = yuvInputFormat(input);
  // RGB and gray inputs carry ffmpeg's own names.
  return yuv ? FORMATS[yuv].ffmpeg ?? undefined : input;
}

/** Decoder formats that are a loopcam input but full range (JPEG's), by the input they are. */
const FULL_RANGE_YUV: Readonly<Record<string, InputName>> = { yuvj420p: 'i420' };

/** The loopcam input a decoder's pixel format is, as is (no conversion), and the range YUV samples carry. */
function nativeInput(pixFmt: string | undefined): { input: InputName; range: Range } | undefined {
  if (pixFmt === undefined) return undefined;
  if (FULL_RANGE_YUV[pixFmt]) return { input: FULL_RANGE_YUV[pixFmt], range: 'full' };
  const input = INPUT_NAMES.find((i) => ffmpegPixFmt(i) === pixFmt);
  return input && { input, range: 'limited' };
}

/**
 * What to ask ffmpeg for, given the decoder's own pixel format (when known) and the camera's format and
 * range: the decoder's layout itself when loopcam has a WASM path from it to the camera's format (no
 * swscale pass at all), else the camera's own format (ffmpeg converts once, loopcam copies; for YV12,
 * which ffmpeg cannot write, I420, whose planes WASM reorders).
 */
export function chooseInput(native: string | undefined, format: FormatName, range: Range): InputName {
  const own = nativeInput(native);
  // YUV samples pass through as they are: only into a camera of the same range.
  if (own && canConvert(own.input, format) && (!yuvInputFormat(own.input) || own.range === range)) return own.input;
  return ffmpegPixFmt(format) ? format : 'i420';
}

export interface FfmpegJob {
  /** What follows -i (a path, URL or device), unless `inputOptions` hold their own -i. */
  source: string | undefined;
  /** Options before -i, as given after `--` on the command line. */
  inputOptions: readonly string[];
  live: boolean;
  loop: boolean;
  width: number;
  height: number;
  fps: number;
  fit: Fit;
  /** The pixel format to ask for. */
  input: InputName;
  range: Range;
}

/**
 * Input options for live inputs: no input buffering, and probing bounded (measured here: an MPEG-TS
 * stream's first frame after 0.5 s instead of 5.3 s with ffmpeg's defaults; an H.264 stream joined
 * mid-GOP waits for its next keyframe either way). Generous enough for a keyframe's parameters.
 */
export const LOW_LATENCY = ['-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '500000', '-analyzeduration', '500000'];

/** ffmpeg's arguments: decode, fit to the stream size (a no-op when it already fits), raw frames on stdout. */
export function ffmpegArgs(job: FfmpegJob): string[] {
  const { width: w, height: h } = job;
  const pixFmt = ffmpegPixFmt(job.input);
  if (!pixFmt) throw new RangeError(`ffmpeg cannot write ${job.input}: ask it for i420 instead`);
  const range = yuvInputFormat(job.input) ? `:out_range=${job.range === 'full' ? 'full' : 'limited'}` : '';
  const fit = job.fit === 'stretch' ? `scale=${w}:${h}${range}`
    : job.fit === 'cover' ? `scale=${w}:${h}:force_original_aspect_ratio=increase${range},crop=${w}:${h}`
      : `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2${range},pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`;
  // Files get one frame per output tick (loopcam paces them); live inputs pass at their own rate.
  const filters = job.live ? fit : `${fit},fps=${job.fps}`;
  const hasInput = job.inputOptions.includes('-i');
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    ...(job.live ? LOW_LATENCY : []),
    ...(job.loop && !job.live ? ['-stream_loop', '-1'] : []),
    ...job.inputOptions,
    ...(hasInput || job.source === undefined ? [] : ['-i', job.source]),
    // avioflags direct: each frame in one write, not 32 KiB ones (measured: loopcam's own CPU 12–13 % → 9–10 % at 1080p30).
    '-an', '-sn', '-dn', '-vf', filters, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-avioflags', 'direct', 'pipe:1',
  ];
}
