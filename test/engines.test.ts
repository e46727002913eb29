// WASM against the JS reference, byte for byte: every input × format it converts to × matrix × range, at
// sizes that exercise the 16-pixel tail and 4:2:0 row pairs, with packed and padded (misaligned) input
// rows. (Mirror and flipY: engines-flip.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveSpec } from '../src/convert/spec.js';
import { WasmEngine } from '../src/convert/wasm-engine.js';
import { frameLayout, INPUT_NAMES, LAYOUTS, yuvInputFormat } from '../src/formats.js';
import { check } from './engine-check.js';
import { convertible, fillNoise, LAYOUT_NAMES, layoutSpec, paddedStrides, sameBytes } from './helpers.js';

const YUV_SIZES: [number, number][] = [[2, 2], [18, 2], [34, 6], [638, 478], [1920, 1080]];
// Sizes only formats without subsampling accept (odd widths and heights).
const ODD_SIZES: [number, number][] = [[1, 1], [17, 3], [33, 5]];
const COLOURS = [['bt601', 'limited'], ['bt601', 'full'], ['bt709', 'limited'], ['bt709', 'full']] as const;

let seed = 1;
for (const [width, height] of [...YUV_SIZES, ...ODD_SIZES]) {
  for (const input of INPUT_NAMES) {
    // YUV inputs take no odd sizes.
    if (!LAYOUT_NAMES.some((format) => convertible(input, format, width, height))) continue;
    test(`${input} → every layout at ${width}×${height}: WASM = JS reference`, () => {
      let cases = 0;
      for (const format of LAYOUT_NAMES) {
        if (!convertible(input, format, width, height)) continue;
        // Matrix and range do not apply to RGB outputs, nor to YUV inputs: one combination is enough there.
        const colours = LAYOUTS[format].yuv && !yuvInputFormat(input) ? COLOURS : COLOURS.slice(0, 1);
        for (const [matrix, range] of colours) {
          // YUV inputs at 1920×1080 (to keep the run short): packed and padded rows in turn.
          const strides = paddedStrides(input, width);
          for (const inputStride of yuvInputFormat(input) && width === 1920 ? [strides[seed % 2]!] : strides) {
            check(layoutSpec({ width, height, input, format, matrix, range, inputStride }), seed++);
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
