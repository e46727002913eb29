/**
 * The Streamer: a paced stream of the latest frame. The producer draws into `frame` and calls
 * `commit()` (one conversion, synchronous, never waiting) — or hands it a source with `play()`; a clock
 * on absolute deadlines writes the latest converted frame to the sink at every tick, repeating it while
 * nothing new arrives, so readers never starve. Conversion happens once per committed frame, not per tick.
 * The placeholder shows only until the first frame: a frame committed before start() is the first out.
 *
 * Threads: conversion runs in `commit()`, on the producer's thread, into one of three output slots in
 * WASM memory shared with the output thread (a lock-free triple buffer, block.ts): no frame is ever
 * torn, none is copied. The clock starts on the main thread, so the first frame waits for nothing; for
 * loopcam's own sinks the output thread takes it over once it is ready, and from then deadlines hold
 * however long the producer's thread is busy. A sink of your own, or an injected clock, keeps the clock
 * on the main thread.
 */
import { EventEmitter } from 'node:events';
import type { Matrix, Range } from '../colour.js';
import { Converter, type Pattern, type Pixels } from '../convert/converter.js';
import { describe, resolveSpec } from '../convert/spec.js';
import { WasmMemory } from '../convert/wasm-module.js';
import { ArgumentRangeError, ArgumentTypeError, LoopcamError } from '../errors.js';
import type { FormatName, InputName, LayoutName } from '../formats.js';
import type { Fit } from '../sources/fit.js';
import type { DecodedImage } from '../sources/image.js';
import type { Source, SourceTarget } from '../sources/source.js';
import { checkFps, openOutput } from '../v4l2/output.js';
import { F, I, MAIN, StreamBlock, THREAD, TICKING } from './block.js';
import { outputThread, type OutputThread } from './output-thread.js';
import { monotonic, Pacer, type Clock } from './pacer.js';
import { DeviceSink, NullSink, RawSink, Y4mSink, type Sink } from './sinks.js';
import { checkLabel, PipeWireSink } from '../pipewire/sink.js';
import { placeholderFrame } from './placeholder.js';
import type { StreamStats } from './stats.js';
import { Ticker } from './ticker.js';
import { y4mLayout } from './y4m.js';

export type SinkOption =
  | { type: 'device'; device?: string | number }
  | { type: 'y4m'; path: string }
  | { type: 'raw'; fd?: number }
  | { type: 'null' }
  /** A PipeWire camera (Video/Source, role Camera) that portal apps see; `label` is what they show (default "loopcam"). */
  | { type: 'pipewire'; label?: string }
  | Sink;

/** What a slot holds when a test pattern was the last thing converted into it, and by which converter. */
interface SlotPattern {
  readonly converter: Converter;
  readonly pattern: Pattern;
}

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
  /**
   * Write frames from loopcam's output thread, so deadlines hold while your thread is busy (default
   * true; it applies to loopcam's own sinks with the real clock). false: everything on this thread.
   */
  outputThread?: boolean;
  /** For tests: the clock and timer functions (the clock then stays on the main thread). */
  clock?: Clock;
  timers?: { setTimeout: (fn: () => void, ms: number) => unknown; clearTimeout: (handle: unknown) => void };
}

export interface PlayOptions {
  /**
   * At the content's end: 'stop' the stream (after the last frame reached the sink), or 'hold' — keep
   * streaming the last frame until stop(). Default: 'hold' on a device (a camera that vanishes mid-call
   * breaks the apps reading it) and a PipeWire camera, 'stop' for files, stdout and the null sink.
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
  /** The format the camera carries, and the layout the converters write: its own, or a Y4M recording's. */
  readonly #format: FormatName;
  readonly #writes: LayoutName;
  /** One converter per input held so far (useInput switches between them without allocating again). */
  readonly #converters = new Map<InputName, Converter>();
  /** WASM memory shared by the converters, the output slots and the output thread. */
  readonly #memory = new WasmMemory();
  /** Slot addresses; what the producer, the clock and the middle hold is in the block. */
  readonly #slots: readonly number[];
  readonly #block = StreamBlock.initial();
  /** The slot the producer converts into. */
  #writing = 1;
  /**
   * The test pattern each slot holds, and from which converter, when that was the last thing written
   * there: the next frame of it rewrites only the rows that move (a quarter of a 1080p 'moving' frame).
   */
  readonly #slotPatterns: (SlotPattern | undefined)[] = [undefined, undefined, undefined];
  #placeholderAt = 0;
  readonly #clock: Clock;
  readonly #timers: NonNullable<StreamerOptions['timers']>;
  #sink: Sink | undefined;
  #ticker: Ticker | undefined;
  #timer: unknown;
  #thread: { readonly handle: OutputThread; readonly id: number } | undefined;
  #state: State = 'new';
  #playing: AbortController | undefined;
  #error: unknown;
  #waiters: (() => void)[] = [];
  #seenTicks = 0;
  #watching = false;
  #lastStatsEmit = 0;

  constructor(options: StreamerOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new ArgumentTypeError(`Streamer options must be an object like { width: 1280, height: 720 }; got ${describe(options)}`);
    const fps = checkFps(options.fps);
    if (options.idle !== undefined && options.idle !== 'repeat' && options.idle !== 'placeholder') {
      throw new ArgumentRangeError(`idle must be 'repeat' or 'placeholder'; got ${describe(options.idle)}`);
    }
    const sink: unknown = options.sink;
    if (sink !== undefined && (sink === null || typeof sink !== 'object' ||
      (typeof (sink as { write?: unknown }).write !== 'function' && typeof (sink as { type?: unknown }).type !== 'string'))) {
      throw new ArgumentTypeError(`sink must be { type: 'device' | 'pipewire' | 'y4m' | 'raw' | 'null', … } or an object with write(frame) and close(); got ${describe(sink)}`);
    }
    const placeholder = options.placeholder ?? [0, 0, 0];
    if (!Array.isArray(placeholder) || placeholder.length !== 3 || placeholder.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) {
      throw new ArgumentRangeError(`placeholder must be [r, g, b] with values 0–255; got ${describe(options.placeholder)}`);
    }
    this.options = options;
    this.fps = fps;
    const converterOptions = {
      width: options.width, height: options.height, input: options.input, format: options.format, matrix: options.matrix, range: options.range,
      mirror: options.mirror, flipY: options.flipY,
    };
    this.#format = resolveSpec(converterOptions).format;
    // A recording is converted straight into Y4M's planar layout: no repacking pass per frame.
    const chosen = options.sink;
    this.#writes = chosen && !('write' in chosen) && chosen.type === 'y4m' ? y4mLayout(this.#format) : this.#format;
    const converter = new Converter(converterOptions, this.#memory, this.#writes);
    // The converter's own output is the producer's first slot.
    const bytes = converter.layout.sizeImage;
    this.#slots = [this.#memory.alloc(bytes), converter.outputAddress, this.#memory.alloc(bytes)];
    this.#converter = converter;
    this.#converters.set(converter.spec.input, converter);
    this.#block.nums[F.LAST_COMMIT] = -Infinity;
    this.#clock = options.clock ?? monotonic;
    this.#timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    // The output thread boots (≈ 50 ms, on the other core) while this one lays out frames and opens the sink.
    if (this.#threadable()) outputThread();
    // Events need the output thread's ticks on this thread only while someone listens.
    this.on('newListener', (event) => {
      if (event === 'frame' || event === 'stats') queueMicrotask(() => void this.#watch());
    });
  }

  /**
   * Opens the sink (unless play() did) and starts the output clock. The first tick writes the latest
   * committed frame — one committed before start() included — or the placeholder while there is none.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new LoopcamError('DISPOSED', `this Streamer was already ${this.#state === 'running' ? 'started' : 'stopped'}: create a new one`);
    this.#open();
    if (this.#sink?.ready) {
      try {
        await this.#sink.ready();
      } catch (error) {
        await this.stop();
        throw error;
      }
    }
    if (this.#state !== 'new') return; // stopped while the sink got ready
    // Until the first commit the clock's slot shows the placeholder, drawn only now that it is needed:
    // play() starts after its source's first frame (a one-frame run never draws it).
    if (this.#block.nums[F.FRAMES_IN] === 0) this.#drawPlaceholder(this.#slots[0]!);
    this.#state = 'running';
    this.options.signal?.addEventListener('abort', () => void this.stop(), { once: true });
    if (this.options.signal?.aborted) return this.stop();
    const pacer = new Pacer(this.fps, this.#clock());
    this.#block.nums[F.START] = pacer.start;
    this.#lastStatsEmit = pacer.start;
    const frames = { slots: this.#slots.map((at) => this.#memory.view(at, this.#converter.layout.sizeImage)), idleMs: this.options.idleMs ?? 1000,
      placeholder: this.#placeholderAt ? this.#memory.view(this.#placeholderAt, this.#converter.layout.sizeImage) : undefined };
    this.#ticker = new Ticker(this.#block, pacer, this.#sink!, frames, this.#clock, (error) => this.#fail(error));
    this.#onTimer();
    if (this.#state === 'running' && this.#threadable()) this.#prepareThread(frames.idleMs); // now: this thread may not turn its event loop for a while
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

  /** Converts `frame` and publishes it as the latest frame. Never waits. `frame` keeps its content. */
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
    let next = this.#converters.get(input);
    if (!next) {
      const { width, height, matrix, range, mirror, flipY } = old.spec;
      next = new Converter({ width, height, input, format: this.#format, matrix, range, mirror, flipY }, this.#memory, this.#writes);
      this.#converters.set(input, next);
    }
    next.target(this.#slots[this.#writing]!);
    this.#converter = next;
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
      throw new ArgumentTypeError(`play() takes a source (slideshow(), patternSource(), rawFrames(), mediaSource()); got ${describe(source)}`);
    }
    if (options.onFrame !== undefined && typeof options.onFrame !== 'function') throw new ArgumentTypeError(`onFrame must be a function; got ${describe(options.onFrame)}`);
    const end = options.end ?? (this.#sinkKind() === 'device' ? 'hold' : 'stop');
    if (end !== 'stop' && end !== 'hold') throw new ArgumentRangeError(`end must be 'stop' or 'hold'; got ${describe(options.end)}`);
    const startWaitMs = options.startWaitMs ?? 1000;
    if (typeof startWaitMs !== 'number' || !(startWaitMs >= 0)) throw new ArgumentRangeError(`startWaitMs must be a number of milliseconds ≥ 0; got ${describe(options.startWaitMs)}`);
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
        const empty = outcome !== undefined && this.#block.nums[F.FRAMES_IN] === 0;
        if (this.#state === 'new' && !(empty && (outcome === 'failed' || end === 'stop'))) await this.start();
      }
      await playing;
      if (end === 'stop' && !signal.aborted && this.#state !== 'stopped') {
        if (this.#fresh() && this.#state === 'running') await this.nextFrame(); // the last frame reaches the sink first
        await this.stop();
      }
    } catch (error) {
      controller.abort(); // a play that failed (to start, say) leaves no source running
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', abort);
      if (this.#playing === controller) this.#playing = undefined;
    }
  }

  /** Resolves at the next output tick (after its write): a producer's way to keep pace. */
  nextFrame(): Promise<void> {
    this.#check();
    const next = new Promise<void>((resolve) => this.#waiters.push(resolve));
    void this.#watch();
    return next;
  }

  get stats(): StreamStats {
    const n = this.#block.nums;
    const framesOut = n[F.FRAMES_OUT]!;
    const elapsed = this.#ticker ? (this.#clock() - n[F.START]!) / 1000 : 0;
    const [p50, p99, max] = this.#block.percentiles(50, 99, 100);
    return {
      framesOut, framesIn: n[F.FRAMES_IN]!, repeated: n[F.REPEATED]!, late: n[F.LATE]!, dropped: n[F.DROPPED]!,
      fps: elapsed > 0 ? framesOut / elapsed : 0,
      latenessP50Ms: p50!, latenessP99Ms: p99!, latenessMaxMs: max!, driftMs: n[F.DRIFT]!,
    };
  }

  /** Stops the clock and any play, writes nothing more, releases the sink, emits close (with the final stats). Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#playing?.abort();
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      // Nothing is written after this: the thread has let go, a pending write has settled.
      if (this.#thread) await this.#thread.handle.remove(this.#thread.id, this.#block);
      await this.#ticker?.settled();
      await this.#sink?.close();
    } finally {
      this.#sink = undefined;
      for (const converter of this.#converters.values()) converter.dispose();
      for (const w of this.#waiters.splice(0)) w();
      Atomics.notify(this.#block.ints, I.TICKS); // wakes #watch
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
    const commit = () => {
      if (signal.aborted || cam.#state === 'stopped') return;
      onFrame?.(cam.frame);
      cam.commit();
      firstCommit();
    };
    return {
      get width() { return spec().width; },
      get height() { return spec().height; },
      get fps() { return cam.fps; },
      get format() { return cam.#format; },
      get range() { return spec().range; },
      get input() { return spec().input; },
      get frame() { return cam.frame; },
      useInput: (input) => cam.useInput(input),
      commit,
      showPattern: (pattern, frame, millis) => {
        // Like commit, nothing after the play or stream stopped (drawing then would throw DISPOSED).
        if (signal.aborted || cam.#state === 'stopped') return;
        if (onFrame) {
          cam.drawPattern(pattern, frame, millis);
          return commit();
        }
        cam.#check();
        cam.#showPattern(pattern, frame, millis);
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
    // A copy of the placeholder of its own only for idle: 'placeholder'.
    if (this.options.idle === 'placeholder') {
      this.#placeholderAt = this.#memory.alloc(this.#converter.layout.sizeImage);
      this.#drawPlaceholder(this.#placeholderAt);
    }
  }

  #showPattern(pattern: Pattern, frame?: number, millis?: number): void {
    const converter = this.#converter;
    const held = this.#slotPatterns[this.#writing];
    const same = held?.converter === converter && held.pattern === pattern;
    converter.convertPattern(pattern, frame, millis, same);
    // A new record only when the slot's pattern changes: none per frame.
    this.#published(same ? held : { converter, pattern });
  }

  #drawPlaceholder(at: number): void {
    const slot = this.#slots.indexOf(at);
    if (slot >= 0) this.#slotPatterns[slot] = undefined;
    const { width, height, matrix, range } = this.#converter.spec;
    placeholderFrame(this.#writes, width, height, this.options.placeholder ?? [0, 0, 0], matrix, range, this.#memory.view(at, this.#converter.layout.sizeImage));
  }

  /** A camera (a device or a PipeWire node: it holds its last frame at the content's end), a file, or the user's sink. */
  #sinkKind(): 'device' | 'file' | 'custom' {
    const sink = this.options.sink;
    if (sink === undefined) return 'device';
    if ('write' in sink) return 'custom';
    return sink.type === 'device' || sink.type === 'pipewire' ? 'device' : 'file';
  }

  #check(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#state === 'stopped') throw new LoopcamError('DISPOSED', 'this Streamer was stopped: create a new one');
  }

  /** Publishes the slot just converted into; `holds`: the pattern it now holds, if that is what it holds. */
  #published(holds?: SlotPattern): void {
    this.#slotPatterns[this.#writing] = holds;
    const n = this.#block.nums;
    n[F.LAST_COMMIT] = this.#clock();
    n[F.FRAMES_IN]++;
    this.#writing = this.#block.publish(this.#writing);
    this.#converter.target(this.#slots[this.#writing]!);
  }

  /** Whether a committed frame has not reached the sink yet. */
  #fresh(): boolean {
    return this.#block.hasFresh();
  }

  /** Whether the output thread may run this stream: loopcam's own sinks (once open: one with a thread plan), the real clock. */
  #threadable(): boolean {
    const o = this.options;
    const ownSink = this.#sink ? this.#sink.threadPlan !== undefined : !(o.sink && 'write' in o.sink);
    return o.outputThread !== false && o.clock === undefined && o.timers === undefined && ownSink && process.env.LOOPCAM_OUTPUT_THREAD !== '0';
  }

  /** Hands the stream to the output thread, which takes the clock over (between this thread's ticks) when ready. */
  #prepareThread(idleMs: number): void {
    if (this.#state !== 'running' || !this.#sink?.threadPlan) return;
    try {
      const handle = outputThread();
      const id = handle.add({
        block: this.#block.buffer, memory: this.#memory.memory, plan: this.#sink.threadPlan, slots: [...this.#slots],
        frameBytes: this.#converter.layout.sizeImage, placeholderAt: this.#placeholderAt, idleMs, fps: this.fps,
      }, (error) => this.#fail(error));
      this.#thread = { handle, id };
    } catch (error) {
      this.#fail(error);
    }
  }

  /** After ticks: resolves nextFrame() waiters and emits 'frame' and 'stats'. */
  #afterTicks(): void {
    const ticks = Atomics.load(this.#block.ints, I.TICKS);
    if (ticks === this.#seenTicks) return;
    this.#seenTicks = ticks;
    if (this.#waiters.length) for (const w of this.#waiters.splice(0)) w();
    if (this.listenerCount('frame')) this.emit('frame', this.#block.nums[F.FRAMES_OUT]);
    const now = this.#clock();
    if (now - this.#lastStatsEmit >= 1000 && this.listenerCount('stats')) {
      this.#lastStatsEmit = now;
      this.emit('stats', this.stats);
    }
  }

  /** While the output thread runs the clock and someone waits or listens: follows its ticks here. */
  async #watch(): Promise<void> {
    if (this.#watching) return;
    this.#watching = true;
    const { ints } = this.#block;
    try {
      while (this.#state === 'running' && Atomics.load(ints, I.OWNER) === THREAD &&
        (this.#waiters.length || this.listenerCount('frame') || this.listenerCount('stats'))) {
        const wait = Atomics.waitAsync(ints, I.TICKS, this.#seenTicks);
        if (wait.async) await wait.value;
        this.#afterTicks();
      }
    } finally {
      this.#watching = false;
    }
  }

  #openSink(): Sink {
    const o = this.options;
    const sink = o.sink ?? { type: 'device' };
    const { width, height } = this.#converter.spec;
    const shape = { format: this.#format, width, height, fps: this.fps, range: this.#converter.spec.range };
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
      case 'pipewire':
        return new PipeWireSink(checkLabel(sink.label), shape);
      default:
        throw new ArgumentRangeError(`sink type must be 'device', 'pipewire', 'y4m', 'raw' or 'null'; got ${describe((sink as { type?: unknown }).type)}`);
    }
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    const { ints } = this.#block;
    if (this.#state !== 'running') return;
    if (Atomics.compareExchange(ints, I.OWNER, MAIN, TICKING) !== MAIN) {
      void this.#watch(); // the output thread has the clock now
      return;
    }
    let waitMs: number;
    try {
      waitMs = this.#ticker!.tick();
    } catch (error) {
      this.#fail(error);
      return;
    } finally {
      ints[I.NEXT] = this.#ticker!.pacer.next;
      Atomics.store(ints, I.OWNER, MAIN); // the thread may take over from here
    }
    this.#afterTicks();
    if (this.#state !== 'running') return;
    // setTimeout counts whole milliseconds and never fires early by its own clock: round down.
    this.#timer = this.#timers.setTimeout(this.#onTimer, Math.floor(waitMs));
  };

  #fail(error: unknown): void {
    this.#error = error;
    void this.stop().finally(() => {
      if (this.listenerCount('error')) this.emit('error', error);
    });
  }
}
