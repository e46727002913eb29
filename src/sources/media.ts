/**
 * Media through ffmpeg: files, URLs (rtsp, http(s), srt, udp, HLS…), V4L2 capture devices and any ffmpeg
 * input. Files are paced on the stream's clock (one frame per tick, back-pressure on the pipe) and end;
 * live inputs are read as fast as they come (the newest frame shown), opened with low-latency settings,
 * and reopened with backoff whenever they fail or stall, for as long as the play runs.
 */
import { EventEmitter, once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { ArgumentRangeError, ArgumentTypeError, LoopcamError } from '../errors.js';
import { INPUT_NAMES, type InputName } from '../formats.js';
import { oneOf } from '../convert/spec.js';
import { FITS, type Fit } from './fit.js';
import { chooseInput, ffmpegArgs, needTool, spawnTool, type FfmpegJob } from './ffmpeg.js';
import { readFrames } from './frames.js';
import { redact } from './redact.js';
import { sleep, type Source, type SourceTarget } from './source.js';

export interface MediaOptions {
  /**
   * ffmpeg input options, placed before -i (what follows `--` on the command line): e.g. a webcam's
   * ['-input_format', 'mjpeg', '-video_size', '1280x720', '-framerate', '30'], or a whole input with its
   * own -i: ['-f', 'x11grab', '-i', ':0.0'].
   */
  inputOptions?: readonly string[];
  /**
   * Live inputs never end, are not paced and are reopened when they fail. Default: rtsp, rtmp, srt, udp
   * and tcp URLs, /dev/ devices and inputs given in `inputOptions` are live; others are live when ffprobe
   * finds no duration.
   */
  live?: boolean;
  /** Files: start again at the end (default false). */
  loop?: boolean;
  /** How the picture fills the frame (default 'contain'). */
  fit?: Fit;
  /**
   * The pixel format to receive: 'native' (default) takes the decoder's own layout when a WASM path
   * leads from it to the camera's format (no RGB detour); name one (e.g. 'rgba') when your code reads
   * or draws on the frames (`play(source, { onFrame })`).
   */
  input?: InputName | 'native';
  /** Live: no frame for this long counts as an outage (default 2000 ms). */
  stallMs?: number;
  /**
   * Live: how long a new connection may take to its first frame (default 10000 ms): an H.264 stream
   * joined mid-GOP shows nothing until its next keyframe, often seconds away.
   */
  connectMs?: number;
}

/** Emitted when a live input fails or stalls; the source then reopens it after `retryInMs`. */
export interface LostEvent {
  reason: string;
  retryInMs: number;
}

/** Emitted at the first frame after an outage. */
export interface RestoredEvent {
  /** How long the input was gone. */
  downMs: number;
}

const LIVE_URL = /^(rtsps?|rtmps?|srt|udp|tcp|rtp):/i;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:/i;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 2000;
const PROBE_TIMEOUT_MS = 15_000;

/**
 * A media source: `mediaSource('talk.mp4')`, `mediaSource('rtsp://cam.local/stream')`,
 * `mediaSource('/dev/video0', { inputOptions: ['-input_format', 'mjpeg'] })`, or
 * `mediaSource(undefined, { inputOptions: ['-f', 'x11grab', '-i', ':0.0'] })`.
 */
export function mediaSource(input: string | undefined, options: MediaOptions = {}): MediaSource {
  return new MediaSource(input, options);
}

export class MediaSource extends EventEmitter implements Source {
  readonly name: string;
  readonly #input: string | undefined;
  readonly #options: MediaOptions;
  readonly #fit: Fit;
  readonly #stallMs: number;
  readonly #connectMs: number;
  #live: boolean | undefined;

  constructor(input: string | undefined, options: MediaOptions = {}) {
    super();
    if (options === null || typeof options !== 'object') throw new ArgumentTypeError(`media options must be an object; got ${String(options)}`);
    const inputOptions = options.inputOptions ?? [];
    if (!Array.isArray(inputOptions) || inputOptions.some((o) => typeof o !== 'string')) {
      throw new ArgumentTypeError('inputOptions must be an array of strings, as ffmpeg takes them: [\'-f\', \'v4l2\', …]');
    }
    const ownInput = inputOptions.indexOf('-i');
    if (input === undefined && (ownInput < 0 || ownInput === inputOptions.length - 1)) {
      throw new ArgumentRangeError('a media source needs an input: a file, URL or device, or ffmpeg input options with their own -i');
    }
    if (typeof input === 'string' && !URL_LIKE.test(input) && !existsSync(input)) {
      throw new LoopcamError('NOT_FOUND', `${input} does not exist: check the path (URLs need their scheme, e.g. rtsp://)`, { errno: 'ENOENT' });
    }
    if (options.live !== undefined && typeof options.live !== 'boolean') throw new ArgumentTypeError(`live must be true or false; got ${String(options.live)}`);
    if (options.input !== undefined && options.input !== 'native') oneOf('input', options.input, INPUT_NAMES, 'rgba');
    if (options.input === 'yv12') throw new ArgumentRangeError("ffmpeg has no YV12 output: ask for input 'i420' (the same planes, U first)");
    const stallMs = options.stallMs ?? 2000;
    if (typeof stallMs !== 'number' || !(stallMs > 0)) throw new ArgumentRangeError(`stallMs must be a number of milliseconds above 0; got ${String(options.stallMs)}`);
    const connectMs = options.connectMs ?? Math.max(10_000, stallMs);
    if (typeof connectMs !== 'number' || !(connectMs > 0)) throw new ArgumentRangeError(`connectMs must be a number of milliseconds above 0; got ${String(options.connectMs)}`);
    this.#input = input;
    this.#options = { ...options, inputOptions };
    this.#fit = oneOf('fit', options.fit, FITS, 'contain');
    this.#stallMs = stallMs;
    this.#connectMs = connectMs;
    this.name = redact(input ?? inputOptions[ownInput + 1]!);
    this.#live = options.live ?? (ownInput >= 0 || (input !== undefined && (LIVE_URL.test(input) || input.startsWith('/dev/'))) ? true : undefined);
  }

  /** Whether the input is live (before play() has probed it: false unless known from the input's kind). */
  get live(): boolean {
    return this.#live === true;
  }

  async play(target: SourceTarget, signal: AbortSignal): Promise<void> {
    const ffmpeg = needTool('ffmpeg', `playing ${this.name}`);
    this.#refuseOwnOutput(target);
    let native: string | undefined;
    if (this.#live === undefined) {
      const probed = await this.#probe(signal);
      if (signal.aborted) return;
      this.#live = probed.duration === undefined;
      native = probed.pixFmt;
    } else {
      native = this.#guessNative();
    }
    const requested = this.#options.input ?? 'native';
    const input = requested === 'native' ? chooseInput(native, target.format, target.range) : requested;
    target.useInput(input);
    const job: FfmpegJob = {
      source: this.#input, inputOptions: this.#options.inputOptions ?? [], live: this.#live, loop: this.#options.loop === true,
      width: target.width, height: target.height, fps: target.fps, fit: this.#fit, input, range: target.range,
    };
    const args = ffmpegArgs(job);
    if (!this.#live) {
      const run = await this.#run(ffmpeg, args, target, signal, undefined);
      if (run.error && !signal.aborted) throw run.error;
      if (run.code !== 0 && !signal.aborted) {
        throw new LoopcamError('BAD_IMAGE', `ffmpeg could not play ${this.name}: ${run.stderr || `exit status ${run.code}`}`);
      }
      return;
    }
    await this.#keepAlive(ffmpeg, args, target, signal);
  }

  /** Live: run ffmpeg again and again, reporting each outage once and its end once. */
  async #keepAlive(ffmpeg: string, args: string[], target: SourceTarget, signal: AbortSignal): Promise<void> {
    let backoff = FIRST_BACKOFF_MS;
    let lostAt: number | undefined;
    const onFrame = () => {
      backoff = FIRST_BACKOFF_MS;
      if (lostAt !== undefined) {
        const downMs = target.clock() - lostAt;
        lostAt = undefined;
        this.emit('restored', { downMs } satisfies RestoredEvent);
      }
    };
    while (!signal.aborted) {
      const run = await this.#run(ffmpeg, args, target, signal, onFrame);
      if (signal.aborted) break;
      const reason = run.stalled ? (run.frames ? `no frame for ${this.#stallMs} ms` : `no first frame within ${this.#connectMs} ms`)
        : run.stderr ? `ffmpeg: ${run.stderr}` : `the stream ended (ffmpeg exit status ${run.code})`;
      if (lostAt === undefined) {
        lostAt = target.clock();
        this.emit('lost', { reason: `${this.name}: ${reason}`, retryInMs: backoff } satisfies LostEvent);
      }
      await sleep(target.timers, backoff, signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /**
   * One ffmpeg run: frames into the target until ffmpeg ends, the play stops, or (live) no frame came for
   * stallMs. The child is always gone when this returns.
   */
  async #run(ffmpeg: string, args: string[], target: SourceTarget, signal: AbortSignal, onFrame: (() => void) | undefined):
    Promise<{ code: number | null; stderr: string; stalled: boolean; frames: boolean; error?: unknown }> {
    const child = spawnTool(ffmpeg, args);
    const closed = once(child, 'close').catch(() => [null]);
    child.stdin.end();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    // Live: no frame within connectMs of the start, or stallMs after the last one, ends this run.
    let stalled = false;
    let lastFrame: number | undefined;
    const started = target.clock();
    let watch: unknown;
    const check = () => {
      const limit = lastFrame === undefined ? this.#connectMs : this.#stallMs;
      const quiet = target.clock() - (lastFrame ?? started);
      if (quiet >= limit) {
        stalled = true;
        child.kill('SIGKILL');
      } else watch = target.timers.setTimeout(check, limit - quiet);
    };
    if (onFrame) watch = target.timers.setTimeout(check, this.#connectMs);
    let error: unknown;
    try {
      await readFrames(child.stdout, target, {
        paced: !this.#live, signal, name: `ffmpeg (${this.name})`,
        onFrame: onFrame && (() => {
          if (lastFrame === undefined) {
            // From the first frame on, the shorter stall limit applies.
            target.timers.clearTimeout(watch);
            watch = target.timers.setTimeout(check, this.#stallMs);
          }
          lastFrame = target.clock();
          onFrame();
        }),
      });
    } catch (e) {
      error = e;
    } finally {
      target.timers.clearTimeout(watch);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const [code] = (await closed) as [number | null];
    const lastLine = redact(stderr.trim().split('\n').at(-1) ?? '');
    return { code, stderr: lastLine, stalled, frames: lastFrame !== undefined, ...(error === undefined || this.#live ? {} : { error }) };
  }

  /** ffprobe: the duration (none for a live stream) and the decoder's pixel format. */
  async #probe(signal: AbortSignal): Promise<{ duration: number | undefined; pixFmt: string | undefined }> {
    const ffprobe = needTool('ffprobe', `playing ${this.name}`);
    const inputOptions = this.#options.inputOptions ?? [];
    const child = spawnTool(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=pix_fmt:format=duration',
      '-of', 'json', ...inputOptions, ...(this.#input === undefined ? [] : ['-i', this.#input])]);
    child.stdin.end();
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(kill, PROBE_TIMEOUT_MS);
    signal.addEventListener('abort', kill, { once: true });
    const [code] = (await once(child, 'close').catch(() => [null])) as [number | null];
    clearTimeout(timer);
    signal.removeEventListener('abort', kill);
    if (signal.aborted) return { duration: undefined, pixFmt: undefined };
    const reason = redact(err.trim().split('\n').at(-1) ?? '') || `ffprobe exit status ${code}`;
    if (code !== 0) {
      throw new LoopcamError('BAD_IMAGE', `ffmpeg cannot read ${this.name}: ${reason}${URL_LIKE.test(this.#input ?? '') ? ' (a stream that is down now: add --live to keep retrying)' : ''}`);
    }
    let parsed: { streams?: { pix_fmt?: string }[]; format?: { duration?: string } };
    try {
      parsed = JSON.parse(out);
    } catch {
      throw new LoopcamError('BAD_IMAGE', `ffprobe gave no readable answer for ${this.name}`);
    }
    if (!parsed.streams?.length) throw new LoopcamError('BAD_IMAGE', `${this.name} has no video stream`);
    const duration = Number(parsed.format?.duration);
    return { duration: Number.isFinite(duration) && duration > 0 ? duration : undefined, pixFmt: parsed.streams[0]!.pix_fmt };
  }

  /** Without a probe: a webcam's chosen -input_format, else what nearly every stream carries. */
  #guessNative(): string {
    const options = this.#options.inputOptions ?? [];
    const at = options.indexOf('-input_format');
    if (at >= 0 && options[at + 1]) return options[at + 1] === 'mjpeg' ? 'yuvj422p' : options[at + 1]!;
    return 'yuv420p';
  }

  /** Reading the node the stream writes to would loop a camera into itself. */
  #refuseOwnOutput(target: SourceTarget): void {
    const output = target.outputDevice;
    const options = this.#options.inputOptions ?? [];
    const ownInput = options.indexOf('-i');
    const input = ownInput >= 0 ? options[ownInput + 1] : this.#input;
    if (!output || !input?.startsWith('/dev/')) return;
    try {
      if (statSync(input).rdev === statSync(output).rdev) {
        throw new ArgumentRangeError(`${input} is the camera this stream writes to: playing a node into itself would show its own frames. Write to another node (--device /dev/videoN), or play another input`);
      }
    } catch (error) {
      if (error instanceof RangeError) throw error;
    }
  }
}

