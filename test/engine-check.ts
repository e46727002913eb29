/** The WASM-against-reference check the engine tests share. */
import * as assert from 'uvu/assert';
import { referenceConvert } from '../src/convert/reference.js';
import type { FrameSpec } from '../src/convert/spec.js';
import { WasmEngine } from '../src/convert/wasm-engine.js';
import { frameLayout } from '../src/formats.js';
import { fillNoise, sameBytes } from './helpers.js';

/**
 * Converts a noise frame with WASM and with the JS reference and asserts the same bytes, over outputs
 * pre-filled twice (a byte no kernel writes cannot match both times), and no write past the frame.
 */
export function check(spec: FrameSpec, seed: number): void {
  const layout = frameLayout(spec.format, spec.width, spec.height);
  const wasm = new WasmEngine(spec, layout);
  fillNoise(wasm.input, seed);
  const expected = new Uint8Array(layout.sizeImage);
  referenceConvert(spec, wasm.input, expected);
  const guard = wasm.guard();
  guard.fill(0xcd);
  for (const fill of [0xaa, 0x55]) {
    wasm.output.fill(fill);
    wasm.run();
    sameBytes(wasm.output, expected, JSON.stringify(spec));
  }
  assert.ok(guard.every((b) => b === 0xcd), `${JSON.stringify(spec)}: wrote past the end of the frame`);
}
