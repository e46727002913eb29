/**
 * The SIMD engine: one WASM instance per converter holding the colour block, the input frame (with
 * room for the kernels' over-read), the output frame and scratch rows, laid out once.
 */
import { coefficients } from '../colour.js';
import { FORMATS, INPUTS, inputFrameBytes, LAYOUTS, yuvInputFormat, yuvInputPlanes, type FrameLayout, type PixelInput, type PlaneLayout } from '../formats.js';
import type { EngineFrames } from './converter.js';
import { PATTERNS, type Pattern } from './patterns.js';
import type { Rect } from '../sources/fit.js';
import type { DecodedImage } from '../sources/image.js';
import type { FrameSpec } from './spec.js';
import { WasmInstance, type WasmMemory } from './wasm-module.js';

/** Bytes kept free after the output frame, so tests can prove no kernel writes past it. */
const GUARD_BYTES = 64;

export class WasmEngine implements EngineFrames {
  readonly #wasm: WasmInstance;
  readonly #run: (outAt: number) => void;
  readonly #pattern: (pattern: Pattern, frame: number, millis: number) => void;
  readonly #patternOut: (pattern: Pattern, frame: number, millis: number, onlyMoving: boolean, outAt: number) => void;
  readonly #inputAt: number;
  readonly #inputBytes: number;
  #outputAt: number;
  readonly #outputBytes: number;
  readonly #stride: number;
  readonly #width: number;
  readonly #height: number;
  #imageAt = 0;
  #imageCapacity = 0;
  #input: Uint8Array;
  #output: Uint8Array;
  #outputStale = false;

  /**
   * With `memory`, the engine's frames are allocated in a memory shared with others (a Streamer's),
   * and `target()` may point its output elsewhere in it.
   */
  constructor(spec: FrameSpec, layout: FrameLayout, memory?: WasmMemory) {
    const wasm = (this.#wasm = new WasmInstance(memory));
    this.#stride = spec.inputStride;
    this.#width = spec.width;
    this.#height = spec.height;
    const x = wasm.exports;

    const colourAt = wasm.alloc(wasm.constant('COLOUR_BYTES'));
    this.#inputBytes = inputFrameBytes(spec.input, spec.width, spec.height, spec.inputStride);
    this.#inputAt = wasm.alloc(this.#inputBytes + wasm.constant('INPUT_OVERREAD'));
    this.#outputBytes = layout.sizeImage;
    this.#outputAt = wasm.alloc(this.#outputBytes + GUARD_BYTES);
    const scratchAt = wasm.alloc(x.scratchBytes(spec.width));

    // Plane addresses by what they hold: the first plane, then U (or NV12's UV), then V. YV12's
    // swapped planes fall out of the table (for a YV12 input as for YV12 output).
    const planeAt = (planes: readonly PlaneLayout[], base: number, first: string): number => {
      const plane = planes.find((p) => p.unit[0] === first);
      return plane ? base + plane.offset : 0;
    };
    const kernel = wasm.constant(`KERNEL_${LAYOUTS[spec.format].kernel.toUpperCase()}`);
    const flags = (spec.mirror ? wasm.constant('FLAG_MIRROR') : 0) | (spec.flipY ? wasm.constant('FLAG_FLIP_Y') : 0);
    // Plane offsets from the output's start (0 for a plane the format lacks).
    const [o0, o1, o2] = [layout.planes[0]!.offset, planeAt(layout.planes, 0, 'U'), planeAt(layout.planes, 0, 'V')];
    const hasU = layout.planes.some((p) => p.unit[0] === 'U');
    const hasV = layout.planes.some((p) => p.unit[0] === 'V');
    const yuv = yuvInputFormat(spec.input);
    if (yuv) {
      // The input is laid out as an output format of the table, rows inputStride apart.
      const planes = yuvInputPlanes(yuv, spec.width, spec.height, spec.inputStride);
      const family = wasm.constant(`INPUT_${FORMATS[yuv].kernel.toUpperCase()}`);
      const [sy, su, sv] = [this.#inputAt + planes[0]!.offset, planeAt(planes, this.#inputAt, 'U'), planeAt(planes, this.#inputAt, 'V')];
      const [strideY, strideC] = [planes[0]!.bytesPerLine, planes[1]?.bytesPerLine ?? 0];
      this.#run = (at) => x.convertYuvFrame(kernel, family, spec.width, spec.height, sy, su, sv, strideY, strideC,
        at + o0, hasU ? at + o1 : 0, hasV ? at + o2 : 0, scratchAt, flags);
    } else {
      const pixel = INPUTS[spec.input] as PixelInput;
      const colour = coefficients(spec.matrix, spec.range);
      const { y, u, v } = colour;
      x.setColour(colourAt, pixel.r === 2 ? 1 : 0, colour.shift, y.r, y.g, y.b, colour.yBias,
        u.r, u.g, u.b, v.r, v.g, v.b, colour.uvBias);
      const { bytesPerPixel } = pixel;
      this.#run = (at) => x.convertFrame(kernel, bytesPerPixel, spec.width, spec.height, this.#inputAt, spec.inputStride,
        at + o0, hasU ? at + o1 : 0, hasV ? at + o2 : 0, colourAt, scratchAt, flags);
    }
    const patternIds = Object.fromEntries(PATTERNS.map((p) => [p, wasm.constant(`PATTERN_${p.toUpperCase()}`)])) as Record<Pattern, number>;
    this.#pattern = (pattern, frame, millis) => x.renderPattern(patternIds[pattern], this.#inputAt,
      spec.width, spec.height, spec.inputStride, frame, millis);
    // Patterns are RGBA: the Converter allows this for RGBA input only, whose colour block it uses.
    this.#patternOut = (pattern, frame, millis, onlyMoving, at) => x.convertPattern(kernel, patternIds[pattern], frame, millis,
      spec.width, spec.height, at + o0, hasU ? at + o1 : 0, hasV ? at + o2 : 0, colourAt, scratchAt, flags, onlyMoving ? 1 : 0);

    this.#input = wasm.view(this.#inputAt, this.#inputBytes);
    this.#output = wasm.view(this.#outputAt, this.#outputBytes);
    // No warm-up conversion: the first frame's page faults and code tier-up cost the same then, and a
    // one-frame run would pay them twice (its input pages twice: read untouched, then written).
  }

  get input(): Uint8Array {
    if (!this.#wasm.isCurrent(this.#input)) this.#input = this.#wasm.view(this.#inputAt, this.#inputBytes);
    return this.#input;
  }

  get output(): Uint8Array {
    if (this.#outputStale || !this.#wasm.isCurrent(this.#output)) {
      this.#output = this.#wasm.view(this.#outputAt, this.#outputBytes);
      this.#outputStale = false;
    }
    return this.#output;
  }

  /** The bytes right after the output frame, which no conversion may touch (for tests). */
  guard(): Uint8Array {
    return this.#wasm.view(this.#outputAt + this.#outputBytes, GUARD_BYTES);
  }

  run(): void {
    this.#run(this.#outputAt);
  }

  /**
   * Points the output at `address` (`sizeImage` bytes in the shared memory, laid out by the caller);
   * `output` and later conversions use it.
   */
  target(address: number): void {
    if (address === this.#outputAt) return;
    this.#outputAt = address;
    this.#outputStale = true; // a view is made only when asked for: none per commit
  }

  /** Where the output is now (in the engine's memory). */
  get outputAt(): number {
    return this.#outputAt;
  }

  drawImage(image: DecodedImage, src: Rect, dst: Rect, background: number): void {
    const bytes = image.width * image.height * 4;
    if (bytes > this.#imageCapacity) {
      // Grows memory at most to the largest image seen; views are re-taken through the getters.
      this.#imageAt = this.#wasm.alloc(bytes);
      this.#imageCapacity = bytes;
    }
    this.#wasm.view(this.#imageAt, bytes).set(image.rgba);
    this.#wasm.exports.drawImage(this.#imageAt, image.width * 4, src.x, src.y, src.w, src.h, this.#inputAt, this.#stride,
      this.#width, this.#height, dst.x, dst.y, dst.w, dst.h, background);
  }

  drawPattern(pattern: Pattern, frame: number, millis: number): void {
    this.#pattern(pattern, frame, millis);
  }

  convertPattern(pattern: Pattern, frame: number, millis: number, onlyMoving: boolean): void {
    this.#patternOut(pattern, frame, millis, onlyMoving, this.#outputAt);
  }

  release(): void {}
}
