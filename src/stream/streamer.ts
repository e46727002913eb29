/**
 * The Streamer: a paced stream of the latest frame. The producer draws into `frame` and calls
 * `commit()` (one conversion, synchronous, never waiting) — or hands it a source with `play()`; a timer
 * on absolute deadlines writes the latest converted frame to the sink at every tick, repeating it while
 * nothing new arrives, so readers never starve. Conversion happens once per committed frame, not per tick.
 * The placeholder shows only until the first frame: a frame committed before start() is the first out.
 *
 * Writes are synchronous and happen on the same thread as `commit()`, so a frame is never converted
 * while it is being written: no frame can be torn, and one output buffer suffices.
 */
import { EventEmitter } from 'node:events';
import type { Matrix, Range } from '../colour.js';
import { Converter, type Pattern, type Pixels } from '../convert/converter.js';
import { describe } from '../convert/spec.js';
import { LoopcamError } from '../errors.js';
import type { FormatName, InputName } from '../formats.js';
import type { Fit } from '../sources/fit.js';
import type { DecodedImage } from '../sources/image.js';
import type { Source, SourceTarget } from '../sources/source.js';
import { checkFps, openOutput } from '../v4l2/output.js';
import { LATE_MS, monotonic, Pacer, type Clock } from './pacer.js';
import { DeviceSink, NullSink, RawSink, Y4mSink, type Sink } from './sinks.js';
import { placeholderFrame } from './placeholder.js';
import { LatenessWindow, type StreamStats } from './stats.js';

export type SinkOption =
  | { type: 'device'; device?: string | number }
  | { type: 'y4m'; path: string }
  | { type: 'raw'; fd?: number }
  | { type: 'null' }
  | Sink;

export interface StreamerOptions {
  /** The device (path, number or card label) when writing to a camera; default: the first free loopback node. */
  device?: string | number;
  width: number;
  height: number;
  /** Output frames per second. Default 30. */
  fps?: number;
  /** The pixel format the camera carries. Default 'yuyv'. */
  format?: FormatName;
  /** The pixel format you hold. Default 'rgba'. */
  input?: InputName;
  matrix?: Matrix;
  range?: Range;
  /** Flip each frame horizontally (what video-call apps show for selfies). */
  mirror?: boolean;
  /** The frames you hand in are bottom-up (WebGL readPixels): flip them. */
  flipY?: boolean;
  /** Where frames go; default the V4L2 device. */
  sink?: SinkOption;
  /** Shown before the first frame (and when idle, with idle: 'placeholder'): [r, g, b], default black. */
  placeholder?: readonly [number, number, number];
  /** Between producer frames: repeat the last one (default), or show the placeholder after `idleMs`. */
  idle?: 'repeat' | 'placeholder';
  /** How long without a new frame counts as idle (default 1000 ms). */
  idleMs?: number;
  signal?: AbortSignal;
  /** For tests: the clock and timer functions. */
  clock?: Clock;
  timers?: { setTimeout: (fn: () => void, ms: number) => unknown; clearTimeout: (handle: unknown) => void };
}

export interface PlayOptions {
  /**
   * At the content's end: 'stop' the stream (after the last frame reached the sink), or 'hold' — keep
   * streaming the last frame until stop(). Default: 'hold' on a device (a camera that vanishes mid-call
   * breaks the apps reading it), 'stop' for files, stdout and the null sink.
   */
  end?: 'stop' | 'hold';
  /** Called with each source frame (the input view) before it is converted: modify it in place. */
  onFrame?: (frame: Uint8Array) => void;
  /** Stops this play (not the Streamer). */
  signal?: AbortSignal;
  /**
   * When play() starts the stream: how long to wait for the source's first frame before streaming the
   * placeholder (default 1000 ms), so the content, when ready, is the first frame out.
   */
  startWaitMs?: number;
}

type State = 'new' | 'running' | 'stopped';

export class Streamer extends EventEmitter implements AsyncDisposable {
  readonly options: Readonly<StreamerOptions>;
  readonly fps: number;
  #converter: Converter;
  readonly #clock: Clock;
  readonly #timers: NonNullable<StreamerOptions['timers']>;
  readonly #lateness = new LatenessWindow();
  #sink: Sink | undefined;
  #pacer: Pacer | undefined;
  #timer: unknown;
  #state: State = 'new';
  #placeholder: Uint8Array | undefined;
  #playing: AbortController | undefined;
  #fresh = false;
  #lastCommit = -Infinity;
  #error: unknown;
  #waiters: (() => void)[] = [];
  #stats: StreamStats = { framesOut: 0, framesIn: 0, repeated: 0, late: 0, dropped: 0, fps: 0, latenessP50Ms: 0, latenessP99Ms: 0, driftMs: 0 };
  #lastStatsEmit = 0;

  constructor(options: StreamerOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new TypeError(`Streamer options must be an object like { width: 1280, height: 720 }; got ${describe(options)}`);
    const fps = checkFps(options.fps);
    if (options.idle !== undefined && options.idle !== 'repeat' && options.idle !== 'placeholder') {
      throw new RangeError(`idle must be 'repeat' or 'placeholder'; got ${describe(options.idle)}`);
    }
    const placeholder = options.placeholder ?? [0, 0, 0];
    if (!Array.isArray(placeholder) || placeholder.length !== 3 || placeholder.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) {
      throw new RangeError(`placeholder must be [r, g, b] with values 0–255; got ${describe(options.placeholder)}`);
    }
    this.options = options;
    this.fps = fps;
    this.#converter = new Converter({
      width: options.width, height: options.height, input: options.input, format: options.format, matrix: options.matrix, range: options.range,
      mirror: options.mirror, flipY: options.flipY,
    });
    this.#clock = options.clock ?? monotonic;
    this.#timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  }

  /**
   * Opens the sink (unless play() did) and starts the output clock. The first tick writes the latest
   * committed frame — one committed before start() included — or the placeholder while there is none.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new LoopcamError('DISPOSED', `this Streamer was already ${this.#state === 'running' ? 'started' : 'stopped'}: create a new one`);
    this.#open();
    this.#state = 'running';
    this.options.signal?.addEventListener('abort', () => void this.stop(), { once: true });
    if (this.options.signal?.aborted) return this.stop();
    this.#pacer = new Pacer(this.fps, this.#clock());
    this.#lastStatsEmit = this.#pacer.start;
    this.#onTimer();
  }

  /** The input frame to draw into (a view of WASM memory). Read it again after each commit. */
  get frame(): Uint8Array {
    return this.#converter.input;
  }

  /** Draws a test pattern into `frame` (RGBA input); `commit()` it as usual. */
  drawPattern(pattern: Pattern, frame = 0, millis = 0): void {
    this.#check();
    this.#converter.drawPattern(pattern, frame, millis);
  }

  /** Draws a decoded image into `frame` (RGBA input), fitted; `commit()` it as usual. */
  drawImage(image: DecodedImage, fit?: Fit): void {
    this.#check();
    this.#converter.drawImage(image, fit, this.options.placeholder ?? [0, 0, 0]);
  }

  /** Converts `frame` and publishes it as the latest frame. Never waits. */
  commit(): void {
    this.#check();
    this.#converter.convert();
    this.#published();
  }

  /** Copies a whole frame in, converts it and publishes it. */
  send(pixels: Pixels): void {
    this.#check();
    this.#converter.convert(pixels);
    this.#published();
  }

  /**
   * Switches the pixel format `frame` holds (sources call this before their first frame). The latest
   * frame stays on show; `frame` is a new view afterwards.
   */
  useInput(input: InputName): void {
    this.#check();
    const old = this.#converter;
    if (old.spec.input === input) return;
    const { width, height, format, matrix, range } = old.spec;
    const next = new Converter({ width, height, input, format, matrix, range, mirror: old.spec.mirror, flipY: old.spec.flipY });
    next.output.set(old.output);
    this.#converter = next;
    old.dispose();
  }

  /**
   * Feeds the stream from a source (images, a pattern, raw frames, media through ffmpeg) until the
   * content ends or the play or stream is stopped; starts the stream if it is not running, with the
   * source's first frame as the first frame out when it comes within `startWaitMs`. A second play()
   * replaces the first. Rejects with the source's error (the stream keeps running: stop it or play
   * something else).
   */
  async play(source: Source, options: PlayOptions = {}): Promise<void> {
    this.#check();
    if (!source || typeof source.play !== 'function') {
      throw new TypeError(`play() takes a source (slideshow(), patternSource(), rawFrames(), mediaSource()); got ${describe(source)}`);
    }
    if (options.onFrame !== undefined && typeof options.onFrame !== 'function') throw new TypeError(`onFrame must be a function; got ${describe(options.onFrame)}`);
    const end = options.end ?? (this.#sinkKind() === 'device' ? 'hold' : 'stop');
    if (end !== 'stop' && end !== 'hold') throw new RangeError(`end must be 'stop' or 'hold'; got ${describe(options.end)}`);
    const startWaitMs = options.startWaitMs ?? 1000;
    if (typeof startWaitMs !== 'number' || !(startWaitMs >= 0)) throw new RangeError(`startWaitMs must be a number of milliseconds ≥ 0; got ${describe(options.startWaitMs)}`);
    this.#playing?.abort();
    const controller = (this.#playing = new AbortController());
    const { signal } = controller;
    const abort = () => controller.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) controller.abort();
    let committed!: () => void;
    const firstFrame = new Promise<void>((resolve) => (committed = resolve));
    const target = this.#target(signal, () => committed(), options.onFrame);
    try {
      if (this.#state === 'new') this.#open(); // a device is known (and checked) before the source starts
      let outcome: 'ended' | 'failed' | undefined;
      const playing = source.play(target, signal);
      playing.then(() => (outcome = 'ended'), () => (outcome = 'failed'));
      if (this.#state === 'new' && !signal.aborted) {
        let waited: unknown;
        const wait = new Promise<void>((resolve) => (waited = this.#timers.setTimeout(resolve, startWaitMs)));
        await Promise.race([firstFrame, playing.catch(() => {}), wait]);
        this.#timers.clearTimeout(waited);
        // A source that failed before any frame starts nothing; one that ended empty starts only a camera
        // that holds (it shows the placeholder).
        const empty = outcome !== undefined && this.#stats.framesIn === 0;
        if (this.#state === 'new' && !(empty && (outcome === 'failed' || end === 'stop'))) await this.start();
      }
      await playing;
      if (end === 'stop' && !signal.aborted && this.#state !== 'stopped') {
        if (this.#fresh && this.#state === 'running') await this.nextFrame(); // the last frame reaches the sink first
        await this.stop();
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      if (this.#playing === controller) this.#playing = undefined;
    }
  }

  /** Resolves at the next output tick (after its write): a producer's way to keep pace. */
  nextFrame(): Promise<void> {
    this.#check();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  get stats(): StreamStats {
    const s = this.#stats;
    const elapsed = this.#pacer ? (this.#clock() - this.#pacer.start) / 1000 : 0;
    s.fps = elapsed > 0 ? s.framesOut / elapsed : 0;
    s.latenessP50Ms = this.#lateness.percentile(50);
    s.latenessP99Ms = this.#lateness.percentile(99);
    return { ...s };
  }

  /** Stops the clock and any play, writes nothing more, releases the sink, emits close (with the final stats). Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#playing?.abort();
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      this.#sink?.close();
    } finally {
      this.#sink = undefined;
      this.#converter.dispose();
      for (const w of this.#waiters.splice(0)) w();
      this.emit('close', this.stats);
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** What a source sees of this stream: its frame, commit and clock — nothing of the sink. */
  #target(signal: AbortSignal, firstCommit: () => void, onFrame: ((frame: Uint8Array) => void) | undefined): SourceTarget {
    const cam = this;
    const spec = () => cam.#converter.spec;
    return {
      get width() { return spec().width; },
      get height() { return spec().height; },
      get fps() { return cam.fps; },
      get format() { return spec().format; },
      get range() { return spec().range; },
      get input() { return spec().input; },
      get frame() { return cam.frame; },
      useInput: (input) => cam.useInput(input),
      commit: () => {
        if (signal.aborted || cam.#state === 'stopped') return;
        onFrame?.(cam.frame);
        cam.commit();
        firstCommit();
      },
      nextFrame: () => (signal.aborted || cam.#state === 'stopped' ? Promise.resolve() : cam.nextFrame()),
      drawImage: (image, fit) => cam.drawImage(image, fit),
      drawPattern: (pattern, frame, millis) => cam.drawPattern(pattern, frame, millis),
      clock: this.#clock,
      timers: this.#timers,
      get outputDevice() {
        return cam.#sink instanceof DeviceSink ? cam.#sink.name : undefined;
      },
    };
  }

  /** Opens the sink (play() does it before its source starts, so sources can see the device). */
  #open(): void {
    if (this.#sink) return;
    this.#sink = this.#openSink();
    const { format, width, height, matrix, range } = this.#converter.spec;
    const colour = this.options.placeholder ?? [0, 0, 0];
    // Until the first commit the output frame itself shows the placeholder; a copy of its own only for idle: 'placeholder'.
    if (this.#stats.framesIn === 0) placeholderFrame(format, width, height, colour, matrix, range, this.#converter.output);
    if (this.options.idle === 'placeholder') this.#placeholder = placeholderFrame(format, width, height, colour, matrix, range);
  }

  #sinkKind(): 'device' | 'file' | 'custom' {
    const sink = this.options.sink;
    if (sink === undefined) return 'device';
    if ('write' in sink) return 'custom';
    return sink.type === 'device' ? 'device' : 'file';
  }

  #check(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#state === 'stopped') throw new LoopcamError('DISPOSED', 'this Streamer was stopped: create a new one');
  }

  #published(): void {
    this.#fresh = true;
    this.#lastCommit = this.#clock();
    this.#stats.framesIn++;
  }

  #openSink(): Sink {
    const o = this.options;
    const sink = o.sink ?? { type: 'device' };
    const { width, height } = this.#converter.spec;
    const shape = { format: this.#converter.spec.format, width, height, fps: this.fps, range: this.#converter.spec.range };
    if ('write' in sink) return sink;
    switch (sink.type) {
      case 'device':
        return new DeviceSink(openOutput({ device: sink.device ?? o.device, width, height, format: shape.format, fps: this.fps, matrix: o.matrix, range: o.range }));
      case 'y4m':
        return new Y4mSink(sink.path, shape);
      case 'raw':
        return new RawSink(sink.fd ?? 1, sink.fd === undefined || sink.fd === 1 ? 'stdout' : `fd ${sink.fd}`);
      case 'null':
        return new NullSink();
      default:
        throw new RangeError(`sink type must be 'device', 'y4m', 'raw' or 'null'; got ${describe((sink as { type?: unknown }).type)}`);
    }
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#state !== 'running') return;
    const now = this.#clock();
    const wake = this.#pacer!.wake(now);
    if (wake.write) {
      try {
        this.#writeTick(now, wake.latenessMs, wake.skipped);
      } catch (error) {
        this.#fail(error);
        return;
      }
    }
    // setTimeout counts whole milliseconds and never fires early by its own clock: round down.
    this.#timer = this.#timers.setTimeout(this.#onTimer, Math.floor(this.#pacer!.untilNext(this.#clock())));
  };

  #writeTick(now: number, latenessMs: number, skipped: number): void {
    const s = this.#stats;
    const idle = this.options.idle === 'placeholder' && now - this.#lastCommit > (this.options.idleMs ?? 1000);
    const frame = idle ? this.#placeholder! : this.#converter.output;
    if (!this.#fresh && s.framesIn > 0) s.repeated++;
    this.#fresh = false;
    this.#sink!.write(frame);
    s.framesOut++;
    s.dropped += skipped;
    if (latenessMs > LATE_MS) s.late++;
    this.#lateness.add(latenessMs);
    s.driftMs = latenessMs;
    if (this.#waiters.length) for (const w of this.#waiters.splice(0)) w();
    if (this.listenerCount('frame')) this.emit('frame', s.framesOut);
    if (now - this.#lastStatsEmit >= 1000 && this.listenerCount('stats')) {
      this.#lastStatsEmit = now;
      this.emit('stats', this.stats);
    }
  }

  #fail(error: unknown): void {
    this.#error = error;
    void this.stop().finally(() => {
      if (this.listenerCount('error')) this.emit('error', error);
    });
  }
}
