/**
 * The SIMD engine: one WASM instance per converter holding the colour block, the input frame (with
 * room for the kernels' over-read), the output frame and scratch rows, laid out once.
 */
import { coefficients } from '../colour.js';
import { FORMATS, INPUTS, type FrameLayout } from '../formats.js';
import type { EngineFrames } from './converter.js';
import { PATTERNS, type Pattern } from './patterns.js';
import type { Rect } from '../sources/fit.js';
import type { DecodedImage } from '../sources/image.js';
import type { FrameSpec } from './spec.js';
import { WasmInstance } from './wasm-module.js';

/** Bytes kept free after the output frame, so tests can prove no kernel writes past it. */
const GUARD_BYTES = 64;

export class WasmEngine implements EngineFrames {
  readonly #wasm: WasmInstance;
  readonly #run: () => void;
  readonly #pattern: (pattern: Pattern, frame: number, millis: number) => void;
  readonly #inputAt: number;
  readonly #inputBytes: number;
  readonly #outputAt: number;
  readonly #outputBytes: number;
  readonly #stride: number;
  readonly #width: number;
  readonly #height: number;
  #imageAt = 0;
  #imageCapacity = 0;
  #input: Uint8Array;
  #output: Uint8Array;

  constructor(spec: FrameSpec, layout: FrameLayout) {
    const wasm = (this.#wasm = new WasmInstance());
    this.#stride = spec.inputStride;
    this.#width = spec.width;
    this.#height = spec.height;
    const x = wasm.exports;
    const pixel = INPUTS[spec.input];
    const colour = coefficients(spec.matrix, spec.range);

    const colourAt = wasm.alloc(wasm.constant('COLOUR_BYTES'));
    this.#inputBytes = spec.inputStride * spec.height;
    this.#inputAt = wasm.alloc(this.#inputBytes + wasm.constant('INPUT_OVERREAD'));
    this.#outputBytes = layout.sizeImage;
    this.#outputAt = wasm.alloc(this.#outputBytes + GUARD_BYTES);
    const scratchAt = wasm.alloc(x.scratchBytes(spec.width));

    const { y, u, v } = colour;
    x.setColour(colourAt, pixel.r === 2 ? 1 : 0, colour.shift, y.r, y.g, y.b, colour.yBias,
      u.r, u.g, u.b, v.r, v.g, v.b, colour.uvBias);

    // Plane addresses by what they hold: the first plane, then U (or NV12's UV), then V. YV12's
    // swapped planes fall out of the table.
    const planeAt = (first: string): number => {
      const plane = layout.planes.find((p) => p.unit[0] === first);
      return plane ? this.#outputAt + plane.offset : 0;
    };
    const kernel = wasm.constant(`KERNEL_${FORMATS[spec.format].kernel.toUpperCase()}`);
    const args = [kernel, pixel.bytesPerPixel, spec.width, spec.height, this.#inputAt, spec.inputStride,
      this.#outputAt + layout.planes[0]!.offset, planeAt('U'), planeAt('V'), colourAt, scratchAt] as const;
    this.#run = () => x.convertFrame(...args);
    const patternIds = Object.fromEntries(PATTERNS.map((p) => [p, wasm.constant(`PATTERN_${p.toUpperCase()}`)])) as Record<Pattern, number>;
    this.#pattern = (pattern, frame, millis) => x.renderPattern(patternIds[pattern], this.#inputAt,
      spec.width, spec.height, spec.inputStride, frame, millis);

    this.#input = wasm.view(this.#inputAt, this.#inputBytes);
    this.#output = wasm.view(this.#outputAt, this.#outputBytes);
    // Touch every page and let V8 compile the kernels before the first real frame.
    this.#run();
  }

  get input(): Uint8Array {
    if (!this.#wasm.isCurrent(this.#input)) this.#input = this.#wasm.view(this.#inputAt, this.#inputBytes);
    return this.#input;
  }

  get output(): Uint8Array {
    if (!this.#wasm.isCurrent(this.#output)) this.#output = this.#wasm.view(this.#outputAt, this.#outputBytes);
    return this.#output;
  }

  /** The bytes right after the output frame, which no conversion may touch (for tests). */
  guard(): Uint8Array {
    return this.#wasm.view(this.#outputAt + this.#outputBytes, GUARD_BYTES);
  }

  run(): void {
    this.#run();
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

  release(): void {}
}
