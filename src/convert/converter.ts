/**
 * `createConverter`: the public face of both engines. A converter owns one input frame and one
 * output frame; `convert()` turns the first into the second with no allocation.
 */
import { ArgumentRangeError, ArgumentTypeError, LoopcamError } from '../errors.js';
import { describeFrame, frameLayout, inputRowBytes, type FrameLayout, type LayoutName } from '../formats.js';
import { JsEngine } from './js-engine.js';
import { PATTERNS, type Pattern } from './patterns.js';
import { FITS, fitRects, type Fit, type Rect } from '../sources/fit.js';
import type { DecodedImage } from '../sources/image.js';
import { describe, ENGINES, oneOf, resolveSpec, type ConverterOptions, type Engine, type FrameSpec } from './spec.js';
import { WasmEngine } from './wasm-engine.js';
import type { WasmMemory } from './wasm-module.js';

/** What `convert(pixels)` accepts: any byte array of exactly one input frame. */
export { PATTERNS, type Pattern };

export type Pixels = Uint8Array | Uint8ClampedArray;

/** What an engine does: own the two frames and convert one into the other. */
export interface EngineFrames {
  /** The input frame (`inputFrameBytes()` of the spec). May be re-created: read it through the getter. */
  readonly input: Uint8Array;
  /** The output frame (`sizeImage` bytes). */
  readonly output: Uint8Array;
  run(): void;
  release(): void;
  /** Draws a test pattern into the (RGBA) input frame, where the engine can. */
  drawPattern?(pattern: Pattern, frame: number, millis: number): void;
  /**
   * Converts a test pattern straight into the output frame, as drawPattern then run would; with
   * `onlyMoving`, only the rows that change from frame to frame (the output holds another frame of it).
   */
  convertPattern?(pattern: Pattern, frame: number, millis: number, onlyMoving: boolean): void;
  /** Resamples an RGBA image into the (RGBA) input frame, where the engine can. */
  drawImage?(image: DecodedImage, src: Rect, dst: Rect, background: number): void;
}


export class Converter implements Disposable {
  /** The resolved options: width, height, input, format, matrix, range, inputStride, mirror, flipY. */
  readonly spec: FrameSpec;
  readonly engine: Engine;
  /** The output frame's planes, `bytesPerLine` and `sizeImage`. */
  readonly layout: FrameLayout;
  #frames: EngineFrames | undefined;

  /**
   * @param memory (internal) a WASM memory shared with others, for the Streamer: then `target()` works.
   * @param layout (internal) what to write instead of the format's own layout: a Y4M recording's (`y4mLayout`).
   */
  constructor(options: ConverterOptions, memory?: WasmMemory, layout?: LayoutName) {
    const spec = resolveSpec(options);
    this.spec = layout === undefined ? spec : Object.freeze({ ...spec, format: layout });
    this.engine = oneOf('engine', options.engine, ENGINES, 'wasm');
    this.layout = frameLayout(this.spec.format, this.spec.width, this.spec.height);
    this.#frames = this.engine === 'wasm' ? new WasmEngine(this.spec, this.layout, memory) : new JsEngine(this.spec, this.layout);
  }

  /**
   * @internal Points `output` (and later conversions) at `address` in the shared memory the converter
   * was created over: the Streamer's output slots.
   */
  target(address: number): void {
    this.#wasm().target(address);
  }

  /** @internal The output's address in the shared memory (the Streamer uses the first one as a slot). */
  get outputAddress(): number {
    return this.#wasm().outputAt;
  }

  #wasm(): WasmEngine {
    const frames = this.#live();
    if (!(frames instanceof WasmEngine)) throw new Error('output addresses need the wasm engine');
    return frames;
  }

  /** The input frame: write pixels here (for the WASM engine, a view of WASM memory), then `convert()`. */
  get input(): Uint8Array {
    return this.#live().input;
  }

  /** The last converted frame, `layout.sizeImage` bytes (a view of WASM memory: no copy). */
  get output(): Uint8Array {
    return this.#live().output;
  }

  /** Converts `input` (after copying `pixels` into it, if given) and returns `output`. */
  convert(pixels?: Pixels): Uint8Array {
    const frames = this.#live();
    if (pixels !== undefined) {
      const input = frames.input;
      if (!(pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray)) {
        throw new ArgumentTypeError(`pixels must be a Uint8Array, Uint8ClampedArray or Buffer; got ${describe(pixels)}`);
      }
      if (pixels.length !== input.length) {
        const { width, height, input: name, inputStride } = this.spec;
        const rows = inputStride === inputRowBytes(name, width) ? '' : `, rows ${inputStride} bytes apart`;
        throw new ArgumentRangeError(`pixels is ${pixels.length} bytes, expected ${input.length} (${describeFrame(name, width, height)}${rows})`);
      }
      input.set(pixels);
    }
    frames.run();
    return frames.output;
  }

  /**
   * Draws a test pattern into `input` (RGBA converters, WASM engine), in place: `frame` and `millis`
   * are printed on the 'moving' pattern. Then `convert()` as usual.
   */
  drawPattern(pattern: Pattern, frame = 0, millis = 0): void {
    const frames = this.#live();
    this.#checkPattern(pattern, frame, millis, frames.drawPattern);
    frames.drawPattern!(pattern, frame, millis); // #checkPattern checked it
  }

  /**
   * Converts a test pattern straight into `output` and returns it: the bytes drawPattern() then
   * convert() give, drawn and converted a band of rows at a time, so `input` keeps what it held and
   * the picture is never whole in memory (123 KB of scratch instead of 8 MB at 1080p). RGBA
   * converters, WASM engine.
   *
   * `onlyMoving`: `output` already holds another frame of this pattern from this converter, so only
   * the rows that move are converted again — for 'moving', its box and its digits, a quarter of a
   * 1080p frame; for the still patterns, none. Anything else in `output` stays wrong: say it only when
   * this converter's last write there was this pattern.
   */
  convertPattern(pattern: Pattern, frame = 0, millis = 0, onlyMoving = false): Uint8Array {
    const frames = this.#live();
    this.#checkPattern(pattern, frame, millis, frames.convertPattern);
    if (typeof onlyMoving !== 'boolean') throw new ArgumentTypeError(`onlyMoving must be true or false; got ${typeof onlyMoving}`);
    frames.convertPattern!(pattern, frame, millis, onlyMoving);
    return frames.output;
  }

  #checkPattern(pattern: Pattern, frame: number, millis: number, method: unknown): void {
    oneOf('pattern', pattern, PATTERNS, 'bars');
    this.#drawable('test patterns', method);
    if (!Number.isInteger(frame) || frame < 0 || !Number.isFinite(millis) || millis < 0) {
      throw new ArgumentRangeError(`frame must be a whole number ≥ 0 and millis a number ≥ 0; got ${frame}, ${millis}`);
    }
  }

  /**
   * Draws a decoded image into `input` (RGBA converters, WASM engine), resampled in WASM (area when
   * shrinking, else bilinear) to fit the frame: 'contain' letterboxes with `background`, 'cover' crops,
   * 'stretch' distorts. Then `convert()` as usual.
   */
  drawImage(image: DecodedImage, fit: Fit = 'contain', background: readonly [number, number, number] = [0, 0, 0]): void {
    const frames = this.#live();
    oneOf('fit', fit, FITS, 'contain');
    this.#drawable('images', frames.drawImage);
    if (!image || !Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width < 1 || image.height < 1 ||
      !(image.rgba instanceof Uint8Array) || image.rgba.length !== image.width * image.height * 4) {
      throw new ArgumentTypeError(`image must be { width, height, rgba } with width × height × 4 bytes of RGBA (what readImage() returns); got ${describe(image)}`);
    }
    const [r, g, b] = background;
    const { src, dst } = fitRects(fit, image.width, image.height, this.spec.width, this.spec.height);
    frames.drawImage!(image, src, dst, (0xff000000 | (b << 16) | (g << 8) | r) >>> 0);
  }

  /** Releases the frames; the converter cannot be used afterwards. */
  dispose(): void {
    this.#frames?.release();
    this.#frames = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Drawing needs an RGBA input and an engine that draws (the WASM one). */
  #drawable(what: string, method: unknown): void {
    if (this.spec.input !== 'rgba' || !method) {
      throw new ArgumentRangeError(`${what} are drawn as rgba by the wasm engine: create the converter with input: 'rgba' and engine: 'wasm' (this one has input: '${this.spec.input}', engine: '${this.engine}')`);
    }
  }

  #live(): EngineFrames {
    if (!this.#frames) throw new LoopcamError('DISPOSED', 'this converter was disposed: create a new one with createConverter()');
    return this.#frames;
  }
}

/**
 * Creates a converter from the pixel format you hold (`input`) to the one the camera carries
 * (`format`). Synchronous; wrong options throw TypeError or RangeError saying what is expected.
 */
export function createConverter(options: ConverterOptions): Converter {
  return new Converter(options);
}
