/** The reference engine: frames in ordinary memory, converted by the plain TypeScript reference. */
import { inputFrameBytes, type FrameLayout } from '../formats.js';
import type { EngineFrames } from './converter.js';
import { referenceConvert } from './reference.js';
import type { FrameSpec } from './spec.js';

export class JsEngine implements EngineFrames {
  readonly input: Uint8Array;
  readonly output: Uint8Array;
  readonly #spec: FrameSpec;

  constructor(spec: FrameSpec, layout: FrameLayout) {
    this.#spec = spec;
    this.input = new Uint8Array(inputFrameBytes(spec.input, spec.width, spec.height, spec.inputStride));
    this.output = new Uint8Array(layout.sizeImage);
  }

  run(): void {
    referenceConvert(this.#spec, this.input, this.output);
  }

  release(): void {}
}
