// WASM against the JS reference, byte for byte: every input × format × matrix × range, at sizes that
// exercise the 16-pixel tail and 4:2:0 row pairs, with packed and padded (misaligned) input rows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { referenceConvert } from '../src/convert/reference.js';
import { resolveSpec, type FrameSpec } from '../src/convert/spec.js';
import { WasmEngine } from '../src/convert/wasm-engine.js';
import { blockSize, FORMAT_NAMES, FORMATS, frameLayout, INPUT_NAMES, INPUTS, type FormatName, type InputName } from '../src/formats.js';
import { fillNoise, sameBytes } from './helpers.js';

const YUV_SIZES: [number, number][] = [[2, 2], [18, 2], [34, 6], [638, 478], [1920, 1080]];
// Sizes only formats without subsampling accept (odd widths and heights).
const ODD_SIZES: [number, number][] = [[1, 1], [17, 3], [33, 5]];
const COLOURS = [['bt601', 'limited'], ['bt601', 'full'], ['bt709', 'limited'], ['bt709', 'full']] as const;

function check(spec: FrameSpec, seed: number): void {
  const layout = frameLayout(spec.format, spec.width, spec.height);
  const wasm = new WasmEngine(spec, layout);
  fillNoise(wasm.input, seed);
  const expected = new Uint8Array(layout.sizeImage);
  referenceConvert(spec, wasm.input, expected);
  const guard = wasm.guard();
  guard.fill(0xcd);
  // Two runs over outputs pre-filled differently: a byte no kernel writes cannot match both times.
  for (const fill of [0xaa, 0x55]) {
    wasm.output.fill(fill);
    wasm.run();
    sameBytes(wasm.output, expected, JSON.stringify(spec));
  }
  assert.ok(guard.every((b) => b === 0xcd), `${JSON.stringify(spec)}: wrote past the end of the frame`);
}

function fits(format: FormatName, width: number, height: number): boolean {
  const [bw, bh] = blockSize(format);
  return width % bw === 0 && height % bh === 0;
}

let seed = 1;
for (const [width, height] of [...YUV_SIZES, ...ODD_SIZES]) {
  for (const input of INPUT_NAMES) {
    test(`${input} → every format at ${width}×${height}: WASM = JS reference`, () => {
      let cases = 0;
      for (const format of FORMAT_NAMES) {
        if (!fits(format, width, height)) continue;
        // Matrix and range do not apply to RGB outputs: one combination is enough there.
        const colours = FORMATS[format].yuv ? COLOURS : COLOURS.slice(0, 1);
        for (const [matrix, range] of colours) {
          const row = INPUTS[input].bytesPerPixel * width;
          for (const inputStride of [row, row + 13]) {
            check(resolveSpec({ width, height, input: input as InputName, format, matrix, range, inputStride }), seed++);
            cases++;
          }
        }
      }
      assert.ok(cases > 0);
    });
  }
}

test('RGB outputs ignore matrix and range', () => {
  const spec = (matrix: 'bt601' | 'bt709', range: 'limited' | 'full') =>
    resolveSpec({ width: 34, height: 6, input: 'rgba', format: 'bgr24', matrix, range });
  const a = new WasmEngine(spec('bt601', 'limited'), frameLayout('bgr24', 34, 6));
  const b = new WasmEngine(spec('bt709', 'full'), frameLayout('bgr24', 34, 6));
  fillNoise(a.input, 99);
  b.input.set(a.input);
  a.run();
  b.run();
  sameBytes(a.output, b.output, 'bgr24');
  assert.equal([...a.output.subarray(0, 3)], [a.input[2], a.input[1], a.input[0]]);
});

test.run();
